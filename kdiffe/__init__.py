__version__ = "0.1.0"

# importing the package registers every model (`kdiffe.config.MODELS`): the model modules register themselves
from . import model, baselines, multimodal  # noqa: E402,F401
