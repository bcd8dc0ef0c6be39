import sys

from photocheck.cli import main

sys.exit(main())
