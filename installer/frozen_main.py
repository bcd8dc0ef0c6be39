# The one program of the frozen Linux and macOS builds (build_installer.spec): started as
# `photocheck-gui` it opens the window; `photocheck`, a link to the same file, is the command line.
# One bootloader and Python archive instead of two (7 MB). Windows keeps two programs, since a
# windowed .exe has no console to print to.
import os
import sys

if os.path.basename(sys.argv[0]).startswith("photocheck-gui"):
    from ui.launch import main
else:
    from photocheck.cli import main

sys.exit(main())
