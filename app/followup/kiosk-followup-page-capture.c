/* kiosk-followup-page-capture.c: "Scan this document". The document an instructor asks for goes
 * through the same capture as in a procedure — a documents page (scanner, feeder, camera, USB
 * stick, the quality gate, turning and cropping, both sides of an identity card) on a procedure
 * made for the request that asks for that document only, in the portal's formats and size. */
#include "kiosk-followup-page-private.h"

#include "kiosk-documents-page.h"

#include <glib/gi18n.h>

static const char *
kind_name (KioskDocumentKind kind)
{
  switch (kind)
    {
    case KIOSK_DOCUMENT_IDENTITY:
      return "identity";
    case KIOSK_DOCUMENT_PHOTO:
      return "photo";
    case KIOSK_DOCUMENT_PAPER:
    default:
      return "paper";
    }
}

/* The procedure the documents page shows: the document @request names in the dossier's form (its
 * kind: a card has two sides), or one described in words (paper); the formats and the size the
 * portal said it takes for this request, else the form's. */
static KioskProcedure *
build_capture_procedure (KioskFollowupPage     *self,
                         KioskFollowupRequest  *request,
                         GError               **error)
{
  static const char *const any_format[] = { "image/jpeg", "application/pdf", NULL };
  const KioskDocumentSpec *spec = self->procedure && request->document
                                  ? kiosk_procedure_find_document (self->procedure, request->document) : NULL;
  const char *const *formats = request->formats && request->formats[0] ? (const char *const *) request->formats
                               : spec != NULL ? (const char *const *) spec->formats : any_format;
  gint64 max_size = request->max_size > 0 ? (gint64) request->max_size : spec != NULL ? spec->max_size : 10000000;
  const char *label = request->document_label ? request->document_label
                      : spec != NULL ? spec->label : _("The document asked for");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "slug");
  json_builder_add_string_value (builder, "followup-document");
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, self->dossier->title ? self->dossier->title : label);
  /* A procedure done here has a page; this one only says what is asked (no answer). */
  json_builder_set_member_name (builder, "pages");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, label);
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "varname");
  json_builder_add_string_value (builder, "asked");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "explanation");
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, label);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "documents");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "varname");
  json_builder_add_string_value (builder, spec != NULL ? spec->varname : "document");
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, label);
  if (request->text != NULL && *request->text != '\0')
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, request->text);
    }
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind_name (spec != NULL ? spec->kind : KIOSK_DOCUMENT_PAPER));
  json_builder_set_member_name (builder, "formats");
  json_builder_begin_array (builder);
  for (guint i = 0; formats != NULL && formats[i] != NULL; i++)
    json_builder_add_string_value (builder, formats[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "max_size");
  json_builder_add_int_value (builder, max_size);
  json_builder_set_member_name (builder, "required");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return kiosk_procedure_new_from_json (json_node_get_object (root), error);
}

/* Back from the documents page to the dossier; what was captured and not kept is dropped. */
static void
end_capture (KioskFollowupPage *self)
{
  if (self->capture != NULL)
    {
      kiosk_page_reset (KIOSK_PAGE (self->capture));
      gtk_stack_set_visible_child_name (self->outer_stack, "main");
    }
  g_clear_object (&self->capture_dossier);
  g_clear_pointer (&self->scanning, g_free);
}

/* Forgets a capture under way: the page is left, or the session ends. */
void
kiosk_followup_page_forget_capture (KioskFollowupPage *self)
{
  end_capture (self);
  g_hash_table_remove_all (self->backs);
}

static void
scan_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KioskFollowupPage *self = KIOSK_FOLLOWUP_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  KioskFollowupRequest *request = self->dossier ? kiosk_followup_dossier_find_request (self->dossier, id) : NULL;
  g_autoptr(KioskProcedure) procedure = NULL;
  g_autoptr(GError) error = NULL;

  if (request == NULL || self->scanning != NULL)
    return;
  procedure = build_capture_procedure (self, request, &error);
  if (procedure == NULL)
    {
      g_warning ("No capture for request %s: %s", id, error->message);
      return;
    }
  if (self->capture == NULL)
    {
      self->capture = g_object_new (KIOSK_TYPE_DOCUMENTS_PAGE, "context", kiosk_page_get_context (KIOSK_PAGE (self)), NULL);
      kiosk_documents_page_set_done_actions (KIOSK_DOCUMENTS_PAGE (self->capture), _("Scan the document asked for"),
                                             "followup.capture-cancel", "followup.capture-done",
                                             "followup-capture-done");
      gtk_stack_add_named (self->outer_stack, self->capture, "capture");
    }
  self->scanning = g_strdup (id);
  self->capture_dossier = kiosk_dossier_new (procedure);
  kiosk_page_set_dossier (KIOSK_PAGE (self->capture), self->capture_dossier);
  gtk_stack_set_visible_child_name (self->outer_stack, "capture");
  kiosk_followup_page_set_state (self, "capture");
}

static void
capture_done_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  KioskFollowupPage *self = KIOSK_FOLLOWUP_PAGE (widget);
  const KioskDocumentSpec *spec;
  g_autofree char *back_name = NULL;
  g_autofree char *size = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  KioskDocument *front, *back;
  gsize bytes;

  if (self->capture_dossier == NULL || self->scanning == NULL || kiosk_page_get_busy (KIOSK_PAGE (self->capture))
      || !kiosk_dossier_documents_are_complete (self->capture_dossier))
    return;
  spec = kiosk_procedure_get_document (kiosk_dossier_get_procedure (self->capture_dossier), 0);
  back_name = kiosk_document_back_varname (spec->varname);
  front = kiosk_dossier_get_document (self->capture_dossier, spec->varname);
  back = kiosk_dossier_get_document (self->capture_dossier, back_name);
  if (front == NULL)
    return;
  id = g_strdup (self->scanning);
  g_hash_table_insert (self->scans, g_strdup (id), g_object_ref (front));
  if (back != NULL)
    g_hash_table_insert (self->backs, g_strdup (id), g_object_ref (back));
  else
    g_hash_table_remove (self->backs, id);
  kiosk_complement_answer_document (self->complement, id, front, back);
  bytes = g_bytes_get_size (kiosk_document_get_content (front)) + (back ? g_bytes_get_size (kiosk_document_get_content (back)) : 0);
  size = g_format_size (bytes);
  /* TRANSLATORS: %s a size, "120 kB" */
  text = g_strdup_printf (back ? _("Both sides are ready (%s). They will go with your answers when you press “Send to the service”.")
                               : _("Scanned (%s). It will go with your answers when you press “Send to the service”."), size);
  end_capture (self);
  kiosk_followup_page_show_scan_state (self, id, text, FALSE);
  kiosk_followup_page_set_state (self, "dossier");
  kiosk_followup_page_update_send (self);
}

static void
capture_cancel_action_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  KioskFollowupPage *self = KIOSK_FOLLOWUP_PAGE (widget);

  end_capture (self);
  kiosk_followup_page_set_state (self, "dossier");
  kiosk_followup_page_update_send (self);
}

void
kiosk_followup_page_class_init_capture (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "followup.scan", "s", scan_action_cb);
  gtk_widget_class_install_action (widget_class, "followup.capture-done", NULL, capture_done_action_cb);
  gtk_widget_class_install_action (widget_class, "followup.capture-cancel", NULL, capture_cancel_action_cb);
}
