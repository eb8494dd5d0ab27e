"""Built-in interfaces (same folder format as a workspace's ``private/interfaces``): the dashboard at ``/``."""
