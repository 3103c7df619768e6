"""The inbound pipeline's steps, one per module, in the order of ``intake.pipeline.STEPS``."""
