# pragma version ~=0.4.3
"""
@title Test double: an ERC-20 with the quirks real cash tokens have
@custom:contract-name OddCashToken
@license GNU Affero General Public License v3.0 only
@author Keiretsu
@notice For tests only. `transfer` and `transferFrom` return nothing (as USDT does), and a
        fee (in basis points, settable by anyone) is burnt from every transfer.
"""

balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
fee_bps: public(uint256)


@external
def mint(to: address, amount: uint256):
    """
    @notice Creates `amount` for `to`; anyone may call it.
    @param to The receiver.
    @param amount The amount.
    """
    self.balanceOf[to] += amount


@external
def set_fee(fee_bps: uint256):
    """
    @notice Sets the fee burnt from every transfer.
    @param fee_bps The fee in basis points.
    """
    self.fee_bps = fee_bps


@external
def approve(spender: address, amount: uint256) -> bool:
    """
    @notice Lets `spender` move up to `amount` of the caller's balance.
    @param spender The spender.
    @param amount The allowance.
    @return True.
    """
    self.allowance[msg.sender][spender] = amount
    return True


@external
def transfer(to: address, amount: uint256):
    """
    @notice Moves `amount` to `to`, less the fee; returns nothing.
    @param to The receiver.
    @param amount The amount debited.
    """
    self._move(msg.sender, to, amount)


@external
def transferFrom(owner: address, to: address, amount: uint256):
    """
    @notice Moves `amount` from `owner` to `to` within the allowance, less the fee; returns nothing.
    @param owner The payer.
    @param to The receiver.
    @param amount The amount debited.
    """
    self.allowance[owner][msg.sender] -= amount
    self._move(owner, to, amount)


@internal
def _move(owner: address, to: address, amount: uint256):
    self.balanceOf[owner] -= amount
    self.balanceOf[to] += amount - amount * self.fee_bps // 10000
