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

        from django.db.models.signals import post_delete, post_save

        from luoshi.ledger.models import AreaTag, Source
        from luoshi.ledger.queries import forget_filter_choices
        from luoshi.org.models import Unit

        for model in (Unit, Source, AreaTag):
            for signal in (post_save, post_delete):
                signal.connect(forget_filter_choices, sender=model, dispatch_uid=f"ledger.choices.{model.__name__}")
