"""Click options shared by the Ape scripts."""

from pathlib import Path

import click

from keiretsu.manifest import DEPLOYMENTS


def deployments_option():
    """`--deployments DIR`: the folder of the deployment manifests."""
    return click.option(
        "--deployments",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEPLOYMENTS,
        show_default=True,
        help="Folder of the deployment manifests.",
    )
