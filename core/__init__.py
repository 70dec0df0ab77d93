"""The bottom layer: helpers every app may use; it imports none of the project's apps.

- ``core.markdown``: Markdown → sanitised HTML (``render``, ``render_on_save``).
- ``core.files``: the one file stack (see its package docstring).
- ``core.models.StoredFile``: the abstract stored-file model (evidence, attachments).
- ``core.forms``: ``MultipleFileField``, ``UploadFieldsMixin``, ``save_with_uploads``.
- ``core.admin``: admin bases for stored-file models.
- ``core.views``: ``confirm_delete``.
"""
