"""The text model: ``Document`` (normalised text with its map back to the pages), the
normalisation that builds it, comparison keys, typed scan facts and the errors readers raise.

The bottom layer of the pipeline above ``schemas``: everything else reads these types.
"""
