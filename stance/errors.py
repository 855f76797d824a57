"""Exception classes. Each subclasses the built-in a caller would already catch."""


class StanceError(Exception):
    """Base class for every error raised by stance."""


class InputError(StanceError, ValueError):
    """A file or text could not be read or is malformed.

    ``path`` and ``line`` (1-based) name where, when known.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(f"{where}{message}")


class AnnotationError(InputError):
    """An annotation file breaks the format in annotations/README.md."""


class ModelError(StanceError, OSError):
    """A model is missing, corrupted, or was trained with an incompatible version."""


class UnknownStateError(StanceError, ValueError):
    """A state code is not an ISO 3166-1 alpha-3 code that stance knows."""
