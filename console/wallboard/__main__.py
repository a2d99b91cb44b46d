"""`python -m console.wallboard`: one browser's board (started by `opconsole wallboard`)."""

import sys

from console.wallboard.viewer import main

if __name__ == "__main__":  # importing it (tests walk every module) starts nothing
    sys.exit(main())
