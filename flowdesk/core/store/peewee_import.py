"""Import peewee with its PostgreSQL drivers hidden, so the SQLite path never loads psycopg.

peewee imports every PostgreSQL driver it finds when it is imported itself (psycopg: about
100 ms and 20 MB on every start of the app and of every CLI command). The SQLite path never
needs one, and postgres_database.py imports psycopg itself when a PostgreSQL store is opened,
handing it to peewee through its own adapter.
"""

from __future__ import annotations

import sys


def import_peewee_without_drivers() -> None:
    """Import peewee (once) as if no PostgreSQL driver were installed; drivers stay importable afterwards."""
    if "peewee" in sys.modules:
        return  # imported before the store: nothing to hide any more
    hidden = [name for name in ("psycopg", "psycopg2") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError, as if not installed
    try:
        import peewee  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


import_peewee_without_drivers()
