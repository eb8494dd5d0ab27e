"""The ``flowdesk`` command line."""
