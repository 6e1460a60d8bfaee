"""The mistakes a user can fix from the message alone."""


class UserInputError(Exception):
    """Bad input (config, option, file) whose message says what is wrong
    and how to fix it. The command-line tools print it as one line
    ``<tool>: error: <message>`` and exit with code 2; anything else is a
    bug and keeps its traceback (see :func:`ftcl_mm.utils.cli.run_main`).
    """


class ConfigError(UserInputError):
    """A config or command-line problem the user can fix; one-line message
    (raised while a config and its flags become what the Runner gets:
    :mod:`ftcl_mm.engine.train_setup`)."""


class TrainingError(UserInputError):
    """A training stopped for a reason its settings can fix (the loss
    diverged, the loader yields no batch); one-line message naming the
    iteration and the settings to change (raised by
    :class:`ftcl_mm.engine.hooks.TrainingGuardHook`)."""
