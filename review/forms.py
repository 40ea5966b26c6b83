"""Forms of the review pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from review.models import Review, Role
from review.services import PROTOCOL_FIELDS

ROLE_CHOICES = Role.choices


class ReviewCreateForm(forms.ModelForm):
    slug = forms.SlugField(required=False, help_text="Short name used in addresses; made from the title if empty.")

    class Meta:
        model = Review
        fields = [
            "title",
            "slug",
            "question",
            "population",
            "intervention",
            "comparator",
            "outcomes",
            "inclusion_criteria",
            "exclusion_criteria",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in PROTOCOL_FIELDS if name != "title"}

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug") or ""
        if slug and Review.objects.filter(slug=slug).exists():
            raise forms.ValidationError("This short name is taken.")
        return slug


class ProtocolForm(forms.ModelForm):
    exclusion_reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="One full-text exclusion reason per line, in the order reviewers should see them.",
    )

    class Meta:
        model = Review
        fields = PROTOCOL_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in PROTOCOL_FIELDS if name != "title"}


class MemberAddForm(forms.Form):
    identifier = forms.CharField(label="Username or email", max_length=254)
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, initial=[Role.REVIEWER]
    )


class MemberUpdateForm(forms.Form):
    roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    third_reviewer = forms.BooleanField(required=False, label="Resolves screening conflicts")
    consensus = forms.BooleanField(required=False, label="May make consensus versions")


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True)

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'R script'.")
