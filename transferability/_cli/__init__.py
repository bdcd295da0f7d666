"""The command line's parts: its parser, the checks of output paths, the commands (public API only)."""

from .parser import UsageError, build_parser
from .printing import typographic

__all__ = ["UsageError", "build_parser", "typographic"]
