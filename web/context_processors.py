"""What every page's header needs: the signed-in learner's notices."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from quizzes.notices import notices_for


def notices(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notices": SimpleLazyObject(lambda: notices_for(learner=user, now=timezone.now()))}
