"""The one error of the encoder runtime: its model files cannot be used."""


class EncoderUnavailable(Exception):
    """The encoder's model files are missing, corrupt or unreadable.

    The message names the file and says how to fix it; there is no fallback to a weaker model,
    because vectors from two different models must never be mixed in one store.
    """
