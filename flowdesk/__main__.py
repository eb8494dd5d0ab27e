"""``python -m flowdesk``: same as the ``flowdesk`` command."""

import sys

from flowdesk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
