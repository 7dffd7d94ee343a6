# pragma version ~=0.4.3
"""
@title Keiretsu cash token
@custom:contract-name CashToken
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice The settlement stablecoin of the private chain (a digital peso, 6 decimals): snekmate's
        ERC-20 with EIP-2612 permit. Treasury accounts (snekmate's minters, appointed by the
        owner) mint against deposits and burn on redemption; nobody else can create or destroy
        cash. The rest of the platform works with any standard ERC-20 stablecoin instead.
"""

from snekmate.auth import ownable
from snekmate.tokens import erc20

initializes: ownable
initializes: erc20[ownable := ownable]

exports: (
    erc20.totalSupply,
    erc20.balanceOf,
    erc20.allowance,
    erc20.transfer,
    erc20.transferFrom,
    erc20.approve,
    erc20.name,
    erc20.symbol,
    erc20.decimals,
    erc20.permit,
    erc20.nonces,
    erc20.DOMAIN_SEPARATOR,
    erc20.eip712Domain,
    erc20.owner,
    erc20.is_minter,
    erc20.set_minter,
    erc20.mint,
    erc20.transfer_ownership,
    erc20.renounce_ownership,
)


@deploy
def __init__(name_: String[25], symbol_: String[5], decimals_: uint8):
    """
    @param name_ The token's name, also its EIP-712 domain name.
    @param symbol_ The ticker (at most 5 characters).
    @param decimals_ 6 for the digital peso.
    """
    ownable.__init__()
    erc20.__init__(name_, symbol_, decimals_, name_, "1")


@external
def burn(amount: uint256):
    """
    @notice Destroys cash the treasury holds (a redemption paid out off-chain).
    @param amount The amount, in base units.
    """
    assert erc20.is_minter[msg.sender], "cash: not the treasury"
    erc20._burn(msg.sender, amount)


@external
def burn_from(owner: address, amount: uint256):
    """
    @notice Destroys cash an account approved the treasury to redeem.
    @param owner The account redeeming.
    @param amount The amount, in base units; within the treasury's allowance.
    """
    assert erc20.is_minter[msg.sender], "cash: not the treasury"
    erc20._spend_allowance(owner, msg.sender, amount)
    erc20._burn(owner, amount)
