"""`python -m apologylint` is the CLI."""
import sys

from .cli import main

sys.exit(main())
