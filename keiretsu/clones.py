"""EIP-1167 clones created from Python, for tests and tools that need a clone without a factory."""

from ape.api import AccountAPI
from ape.contracts import ContractContainer, ContractInstance

_PREFIX = "3d602d80600a3d3981f3363d3d373d3d3d363d73"
_SUFFIX = "5af43d82803e903d91602b57fd5bf3"


def clone_creation_code(implementation: str) -> bytes:
    """The creation code of an EIP-1167 minimal proxy that delegates every call to `implementation`."""
    return bytes.fromhex(_PREFIX + implementation.lower().removeprefix("0x") + _SUFFIX)


def deploy_clone(container: ContractContainer, implementation: str, sender: AccountAPI) -> ContractInstance:
    """Deploys a minimal proxy of `implementation` and returns it typed as `container`."""
    txn = sender.provider.network.ecosystem.create_transaction(data=clone_creation_code(implementation))
    receipt = sender.call(txn)
    return clone_at(container, receipt.contract_address)


def clone_at(container: ContractContainer, address: str) -> ContractInstance:
    """An existing clone typed as `container`.

    Proxy detection is turned off because it merges the implementation's ABI into the clone's a
    second time, which duplicates every event and makes `clone.SomeEvent` ambiguous.
    """
    return container.at(address, detect_proxy=False)
