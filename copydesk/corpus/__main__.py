"""`python -m copydesk.corpus run ...`: the corpus CLI on its own."""
import sys

from .cli import main

sys.exit(main())
