import multiprocessing
import sys

from photocheck.cli import main

# The batch's worker processes start this program again: frozen, this runs them as workers.
multiprocessing.freeze_support()
sys.exit(main())
