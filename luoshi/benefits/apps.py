from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "luoshi.benefits"
    label = "benefits"
    verbose_name = "惠企兑现"

    def ready(self) -> None:
        # Matching follows the data: enterprise figures and clauses announce their changes
        # through signals of their own apps, and this app listens (they never import it).
        from luoshi.benefits import signals  # noqa: F401
