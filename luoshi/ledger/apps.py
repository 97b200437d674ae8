from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "luoshi.ledger"
    label = "ledger"
    verbose_name = "督办台账"

    def ready(self) -> None:
        from luoshi.tracking.calendar import year_confirmed

        def recompute(sender, year, **kwargs):
            from luoshi.ledger.services import recompute_provisional

            recompute_provisional(year)

        year_confirmed.connect(recompute, weak=False, dispatch_uid="ledger.recompute_provisional")
