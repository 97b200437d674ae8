from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "luoshi.projects"
    label = "projects"
    verbose_name = "重点项目"

    def ready(self) -> None:
        from luoshi.tracking.calendar import year_confirmed

        def recompute(sender, year, **kwargs):
            from luoshi.projects.services import recompute_provisional

            recompute_provisional(year)

        year_confirmed.connect(recompute, weak=False, dispatch_uid="projects.recompute_provisional")
