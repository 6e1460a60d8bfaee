"""The one base class of mistakes a user can fix from the message alone."""


class UserInputError(Exception):
    """Bad input (config, option, file) whose message says what is wrong
    and how to fix it. The command-line tools print it as one line
    ``<tool>: error: <message>`` and exit with code 2; anything else is a
    bug and keeps its traceback (see :func:`ftcl_mm.utils.cli.run_main`).
    """
