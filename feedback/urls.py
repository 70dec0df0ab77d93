from django.urls import path

from feedback.views import employers, outcomes, reviews, verification

app_name = "feedback"

urlpatterns = [
    # Supervisors: students, reviews, verification
    path("supervise/students/", reviews.students, name="students"),
    path("supervise/students.csv", reviews.students_csv, name="students-csv"),
    path(
        "supervise/students/<int:pk>/review/<int:term_pk>/",
        reviews.review_edit,
        name="review-edit",
    ),
    path("supervise/reviews/<int:pk>/release/", reviews.review_release, name="review-release"),
    path("supervise/reviews/<int:pk>/delete/", reviews.review_delete, name="review-delete"),
    path("supervise/reviews/release-all/", reviews.reviews_release_all, name="reviews-release-all"),
    path("supervise/verification/", verification.queue, name="verification-queue"),
    path("supervise/verification/<int:pk>/", verification.decide, name="verification-decide"),
    # Students: their reviews, verification requests and employment
    path("portfolio/reviews/", reviews.my_reviews, name="my-reviews"),
    path(
        "portfolio/achievements/<int:pk>/verification/",
        verification.request_verification,
        name="verification-request",
    ),
    path("portfolio/employment/", outcomes.outcomes, name="outcomes"),
    path("portfolio/employment/<int:pk>/", outcomes.outcome_edit, name="outcome-edit"),
    path("portfolio/employment/<int:pk>/delete/", outcomes.outcome_delete, name="outcome-delete"),
    # Employers: discovery, shortlist, feedback
    path("employers/search/", employers.search, name="search"),
    path("employers/shortlist/", employers.shortlist, name="shortlist"),
    path("employers/shortlist/<str:slug>/add/", employers.shortlist_add, name="shortlist-add"),
    path("employers/shortlist/<str:slug>/note/", employers.shortlist_note, name="shortlist-note"),
    path(
        "employers/shortlist/<str:slug>/remove/",
        employers.shortlist_remove,
        name="shortlist-remove",
    ),
    path("employers/feedback/<str:slug>/", employers.employer_feedback, name="employer-feedback"),
    path(
        "employers/feedback/<str:slug>/delete/",
        employers.employer_feedback_delete,
        name="employer-feedback-delete",
    ),
    # Students: what employers think of their portfolio
    path("portfolio/employer-feedback/", employers.received, name="received"),
]
