# pragma version ~=0.4.3
"""
@title Plain delivery-versus-payment swap (benchmark baseline)
@custom:contract-name PlainSwap
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice The least a DvP trade can cost: two plain ERC-20 transferFroms in one transaction, with no
        order book, no compliance and no fees. `make bench` measures it beside the order book.
"""

from ethereum.ercs import IERC20


@external
def swap(shares: IERC20, cash: IERC20, seller: address, buyer: address, share_amount: uint256, cash_amount: uint256):
    """
    @notice Moves shares from seller to buyer and cash from buyer to seller; both approved this contract.
    @param shares The share token.
    @param cash The cash token.
    @param seller Who delivers the shares.
    @param buyer Who pays the cash.
    @param share_amount Shares delivered.
    @param cash_amount Cash paid.
    """
    assert extcall shares.transferFrom(seller, buyer, share_amount), "swap: shares not delivered"
    assert extcall cash.transferFrom(buyer, seller, cash_amount), "swap: cash not paid"
