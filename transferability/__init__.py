"""transferability: diagnostic de transférabilité des marchés publics vers le secteur inclusif."""

from ._errors import InputError, ModelError, Problem, TransferabilityWarning

__all__ = ["InputError", "ModelError", "Problem", "TransferabilityWarning"]
__version__ = "0.1.0"
