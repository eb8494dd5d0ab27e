"""The run inspector: a run's header, output and input as JSON trees, error with source links, and log."""
