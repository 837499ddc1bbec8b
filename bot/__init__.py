"""FarmSkills: a bot that teaches farmers the digital skills that raise their income."""

__version__ = "0.1.0"
