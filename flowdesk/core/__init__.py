"""The Qt-free core: registry, engine, scheduler, listener, store, profiles, OAuth."""
