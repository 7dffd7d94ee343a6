"""`ape console` opens with the deployment loaded: `registry`, `cash`, `factory`, `dividends`,
`operator`, every security by symbol in `securities()`, and the operator helpers of
keiretsu/console.py (`onboard_investor`, `kyc_status`, `freeze`, `unfreeze`, `recover`,
`issue_security`, `issue_shares`, `halt`, `resume`, `open_orders`, `force_cancel`,
`forced_transfer`, `list_cash_token`, `depth`, `cap_table`, `trades`, `dividends_paid`).
Type `help(depth)` for any of them."""


def ape_init_extras(chain, project, accounts):
    from keiretsu.console import OperatorConsole
    from keiretsu.deploy import Deployment
    from keiretsu.manifest import load_manifest
    from keiretsu.network import install_poa_middleware

    install_poa_middleware(chain.provider)  # a QBFT node's blocks, as the scripts do (keiretsu/network.py)

    manifest = load_manifest(chain.chain_id)
    if manifest is None:
        print(f"Keiretsu is not deployed on chain {chain.chain_id}: run `ape run deploy` (or `make up`).")
        return {}
    contracts = manifest["contracts"]
    registry = Deployment.registry_at(contracts["IdentityRegistry"]["address"])
    factory = project.IssuanceFactory.at(contracts["IssuanceFactory"]["address"])
    cash = project.CashToken.at(contracts["CashToken"]["address"])
    dividends = project.Dividends.at(contracts["Dividends"]["address"])
    operator = accounts.test_accounts[0] if chain.chain_id == 31337 else None
    console = OperatorConsole(
        registry, factory, cash, operator, project.SecurityToken, manifest.get("deployment_block", 0),
        market_type=project.OrderBook, dividends=dividends,
    )
    print(f"Keiretsu on chain {chain.chain_id}: {factory.security_count()} securities; helpers: {', '.join(console.helpers())}")
    return {
        "registry": registry, "factory": factory, "cash": cash, "dividends": dividends, "operator": operator,
        "keiretsu": console, **console.helpers(),
    }
