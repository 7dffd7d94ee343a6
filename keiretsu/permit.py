"""EIP-2612 permits signed off-chain, so a holder approves and pays in one transaction."""

from eth_account import Account
from eth_account.messages import encode_typed_data


def sign_permit(
    token, owner_key: str, owner: str, spender: str, value: int, deadline: int, chain_id: int
) -> tuple[int, bytes, bytes]:
    """Signs a permit for `token` (any EIP-2612 token with `name()` and `nonces()`) and returns (v, r, s)."""
    domain = {
        "name": token.name(),
        "version": "1",
        "chainId": chain_id,
        "verifyingContract": token.address,
    }
    types = {
        "Permit": [
            {"name": "owner", "type": "address"},
            {"name": "spender", "type": "address"},
            {"name": "value", "type": "uint256"},
            {"name": "nonce", "type": "uint256"},
            {"name": "deadline", "type": "uint256"},
        ]
    }
    message = {"owner": owner, "spender": spender, "value": value, "nonce": token.nonces(owner), "deadline": deadline}
    signed = Account.sign_message(encode_typed_data(domain, types, message), owner_key)
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")
