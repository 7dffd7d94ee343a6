# pragma version ~=0.4.3
"""
@title Plain ERC-20 baseline
@custom:contract-name PlainToken
@license GNU Affero General Public License v3.0 only
@notice snekmate's ERC-20 as it is, deployed beside the security token so that `make bench`
        measures the baseline transfer in the same run.
"""
from snekmate.auth import ownable as ow
from snekmate.tokens import erc20

initializes: ow
initializes: erc20[ownable := ow]
exports: erc20.__interface__


@deploy
def __init__(name_: String[25], symbol_: String[5], decimals_: uint8):
    ow.__init__()
    erc20.__init__(name_, symbol_, decimals_, name_, "1")
