"""Scale-out mode: runs accepted into the shared store, published by id on a Celery broker, run by workers.

Nothing here is imported by the desktop app or by ``flowdesk serve`` without ``--broker``: Celery,
redis and psycopg are loaded only by the modules that use them, when they are used.
"""
