/* kiosk-documents-page.c: one row per required document (KioskDocumentRow), each scanned,
 * photographed or brought on a USB stick, previewed, retaken; the jobs run in the core
 * (KioskCapture) and end here (kiosk_documents_document_ready).
 *
 * A scan belongs to the session: it is cancelled when the session ends, and its pixels are
 * wiped when dropped (KioskImage, KioskDocument). */
#include "kiosk-documents-page-private.h"

#include "kiosk-document-row.h"
#include "kiosk-scan-error.h"

#include <glib/gi18n.h>

G_DEFINE_FINAL_TYPE (KioskDocumentsPage, kiosk_documents_page, KIOSK_TYPE_PAGE)

static void kiosk_documents_page_set_dossier (KioskPage *page, KioskDossier *dossier);

static void update_next  (KioskDocumentsPage *self);

/* The actions of the rows and of the views in place of a row: off while a job runs. */
static const char * const view_actions[] = {
  "documents.scan", "documents.scan-back", "documents.add-page", "documents.no-back", "documents.feeder",
  "documents.feeder-duplex", "documents.camera", "documents.edit", "documents.usb", "documents.page-turn",
  "documents.page-remove", "documents.page-earlier", "documents.page-crop", "documents.usb-file",
  "documents.usb-cancel", "documents.camera-take", "documents.camera-cancel",
  "documents.edit-turn", "documents.edit-reset", "documents.edit-cancel", "documents.edit-apply",
};

void
kiosk_documents_set_busy (KioskDocumentsPage *self,
                          const char         *varname)
{
  g_free (self->scanning);
  self->scanning = g_strdup (varname);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), varname != NULL);
  gtk_widget_set_visible (self->stop_button, varname != NULL);
  /* The page being scanned shows as it comes (scan_progress_cb), then goes with the scan. */
  gtk_widget_set_visible (GTK_WIDGET (self->scan_preview), FALSE);
  gtk_picture_set_paintable (self->scan_preview, NULL);
  if (varname != NULL)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, _("Scanning…"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (view_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), view_actions[i], varname == NULL);
  kiosk_page_set_busy (KIOSK_PAGE (self), varname != NULL);
  update_next (self);
}

void
kiosk_documents_show_error (KioskDocumentsPage *self,
                            const char         *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}



/* Where every job of the page ends: @document (transfer none) made, or @error. */
void
kiosk_documents_document_ready (KioskDocumentsPage *self,
                                KioskDocument      *document,
                                const GError       *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Stopped by the citizen (the session's end has reset the page already). */
      if (self->scanning != NULL && kiosk_page_get_context (KIOSK_PAGE (self)) != NULL && self->dossier != NULL)
        kiosk_documents_set_busy (self, NULL);
      return;
    }
  if (document == NULL)
    {
      g_autofree char *text = kiosk_scanner_error_to_text (error);

      g_message ("Scan not accepted: %s", error->message);
      kiosk_documents_show_error (self, text);
    }
  else if (self->dossier != NULL)
    {
      const KioskDocumentSpec *spec = kiosk_documents_find_spec (self, kiosk_document_get_varname (document));
      gsize size = g_bytes_get_size (kiosk_document_get_content (document));

      /* What the portal would refuse is refused here, with what to do. */
      if (spec != NULL && !kiosk_document_spec_accepts (spec, kiosk_document_get_content_type (document), -1))
        kiosk_documents_show_error (self, _("The online service does not accept this kind of file for this document. Please ask an agent."));
      else if (spec != NULL && !kiosk_document_spec_accepts (spec, NULL, size))
        {
          g_autofree char *got = g_format_size (size);
          g_autofree char *limit = g_format_size (spec->max_size);
          /* TRANSLATORS: "This document is too large: 12.3 MB, at most 10.0 MB. …" */
          g_autofree char *text = g_strdup_printf (_("This document is too large for the online service: %s, at most %s. Remove a page, or scan it again."),
                                                   got, limit);

          kiosk_documents_show_error (self, text);
          /* The pages stay, so that the citizen can remove some; "Next" waits (update_next). */
          if (kiosk_document_get_pages (document) != NULL)
            kiosk_dossier_set_document (self->dossier, kiosk_document_get_varname (document), document);
        }
      else
        kiosk_dossier_set_document (self->dossier, kiosk_document_get_varname (document), document);
    }
  kiosk_documents_set_busy (self, NULL);
}

void
kiosk_documents_encoded_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDocument) document = kiosk_capture_encode_finish (result, &error);

  kiosk_documents_document_ready (self, document, error);
}

void
kiosk_documents_assembled_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KioskDocument) document = kiosk_capture_assemble_finish (result, &error);

  kiosk_documents_document_ready (self, document, error);
}


/* The document @varname is, or is a side of (the back of an identity card). */
const KioskDocumentSpec *
kiosk_documents_find_spec (KioskDocumentsPage *self,
                           const char         *varname)
{
  return kiosk_procedure_find_document (kiosk_dossier_get_procedure (self->dossier), varname);
}

/* Starts a job of the page for @varname (a scan, a batch, a USB stick, a page edit): a fresh
 * cancellable, cancelled too when the session ends, and the page busy. */
GCancellable *
kiosk_documents_start_job (KioskDocumentsPage *self,
                           const char         *varname)
{
  GCancellable *cancellable;

  kiosk_documents_show_error (self, NULL);
  cancellable = kiosk_page_begin_request (KIOSK_PAGE (self));
  kiosk_documents_set_busy (self, varname);
  return cancellable;
}

static void
no_back_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  /* Recorded in the dossier, whose "changed" updates the row; win.submit checks it too. */
  if (self->dossier != NULL)
    kiosk_dossier_set_no_back (self->dossier, g_variant_get_string (parameter, NULL), TRUE);
}

/* Fills @slot with what @spec's document shows now: the camera or the frame in place of its row,
 * or its row, its pages and the USB stick's documents. */
static void
fill_slot (KioskDocumentsPage      *self,
           const KioskDocumentSpec *spec,
           GtkWidget               *slot)
{
  KioskDocument *document = kiosk_dossier_get_document (self->dossier, spec->varname);

  if (self->camera_view != NULL && gtk_widget_is_ancestor (self->camera_view, slot))
    self->camera_view = NULL;
  if (self->crop_view != NULL && gtk_widget_is_ancestor (self->crop_view, slot))
    self->crop_view = NULL;
  kiosk_widget_remove_all (slot);
  if (self->camera_varname != NULL && kiosk_documents_find_spec (self, self->camera_varname) == spec)
    {
      gtk_box_append (GTK_BOX (slot), kiosk_documents_build_camera_view (self, spec));
      return;
    }
  if (self->editing != NULL && kiosk_documents_find_spec (self, self->editing) == spec
      && kiosk_dossier_get_document (self->dossier, self->editing) != NULL)
    {
      gtk_box_append (GTK_BOX (slot),
                      kiosk_documents_build_edit_view (self, spec, kiosk_dossier_get_document (self->dossier, self->editing)));
      return;
    }
  gtk_box_append (GTK_BOX (slot), kiosk_document_row_new (self->dossier, spec, self->duplex));
  if (document != NULL && kiosk_document_get_pages (document) != NULL)
    gtk_box_append (GTK_BOX (slot), kiosk_documents_build_pages (self, spec, document));
  if (self->usb_files != NULL && g_strcmp0 (self->usb_varname, spec->varname) == 0)
    gtk_box_append (GTK_BOX (slot), kiosk_documents_build_usb_list (self));
}

/* "Next": the dossier's rule (every required document, a card with its back or "it has none",
 * none over the portal's limit), and no camera or frame open, no job running. */
static void
update_next (KioskDocumentsPage *self)
{
  gboolean complete = self->dossier != NULL && self->camera_view == NULL && self->crop_view == NULL
                      && kiosk_dossier_documents_are_complete (self->dossier);

  gtk_widget_set_sensitive (self->next_button, complete && self->scanning == NULL);
}

/* The row of @varname's document (a front or a back) made again, and "Next". */
void
kiosk_documents_update_row (KioskDocumentsPage *self,
                            const char         *varname)
{
  const KioskDocumentSpec *spec;
  GtkWidget *slot;

  if (self->dossier == NULL || self->slots == NULL)
    return;
  spec = varname ? kiosk_documents_find_spec (self, varname) : NULL;
  slot = spec ? g_hash_table_lookup (self->slots, spec->varname) : NULL;
  if (slot != NULL)
    fill_slot (self, spec, slot);
  update_next (self);
}

/* Every row made again: a new dossier, or the scanner's feeder found to scan both sides. */
void
kiosk_documents_rebuild_rows (KioskDocumentsPage *self)
{
  KioskProcedure *procedure;

  if (self->slots == NULL)
    return;   /* disposed */
  kiosk_widget_remove_all (GTK_WIDGET (self->rows_box));
  g_hash_table_remove_all (self->slots);
  self->crop_view = NULL;
  self->camera_view = NULL;
  if (self->dossier == NULL)
    return;
  procedure = kiosk_dossier_get_procedure (self->dossier);
  for (guint i = 0; i < kiosk_procedure_get_n_documents (procedure); i++)
    {
      const KioskDocumentSpec *spec = kiosk_procedure_get_document (procedure, i);
      GtkWidget *slot;

      /* Documents asked only for some answers ("a payslip if you work") appear when needed. */
      if (!kiosk_dossier_document_is_needed (self->dossier, spec))
        continue;
      slot = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
      gtk_box_append (self->rows_box, slot);
      g_hash_table_insert (self->slots, g_strdup (spec->varname), slot);
      fill_slot (self, spec, slot);
    }
  update_next (self);
}

static void
dossier_changed_cb (KioskDossier       *dossier,
                    const char         *varname,
                    KioskDocumentsPage *self)
{
  /* Only the row of the document that changed (a front or a back): the others stay as they are. */
  if (kiosk_documents_find_spec (self, varname) != NULL)
    kiosk_documents_update_row (self, varname);
}

/* @dossier: (nullable): the dossier whose documents to show, %NULL to forget it */
static void
kiosk_documents_page_set_dossier (KioskPage    *page,
                                  KioskDossier *dossier)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (page);
  KioskProcedure *procedure;
  g_autofree char *step_text = NULL;

  if (self->dossier != dossier)
    {
      if (self->dossier != NULL)
        g_signal_handlers_disconnect_by_func (self->dossier, dossier_changed_cb, self);
      g_cancellable_cancel (kiosk_page_get_cancellable (page));
      g_set_object (&self->dossier, dossier);
      kiosk_documents_stop_editing (self);
      kiosk_documents_close_camera (self);
      if (dossier != NULL)
        kiosk_documents_ask_sources (self);
      if (dossier != NULL)
        g_signal_connect (dossier, "changed", G_CALLBACK (dossier_changed_cb), self);
      kiosk_documents_show_error (self, NULL);
    }
  if (dossier != NULL)
    {
      guint step = 1, n_steps;

      procedure = kiosk_dossier_get_procedure (dossier);
      n_steps = kiosk_dossier_count_steps (dossier, kiosk_procedure_get_n_pages (procedure), &step);
      step_text = g_strdup_printf (_("Step %u of %u"), step, n_steps);
      gtk_label_set_label (self->step_label, step_text);
    }
  if (dossier == NULL && self->scanning != NULL)
    kiosk_documents_set_busy (self, NULL);
  kiosk_documents_rebuild_rows (self);
}

static void
devices_found_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KioskDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = kiosk_scanner_list_devices_finish (KIOSK_SCANNER (object), result, &error);

  gtk_widget_set_sensitive (self->search_button, TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || kiosk_page_get_context (KIOSK_PAGE (self)) == NULL)
    return;
  if (devices == NULL || devices->len == 0)
    {
      kiosk_documents_show_error (self, _("No scanner found. Check that it is switched on and connected, then search again."));
      return;
    }
  /* The first scanner found is used from now on, and remembered. */
  kiosk_context_set_scanner_device (kiosk_page_get_context (KIOSK_PAGE (self)), ((KioskScannerDevice *) g_ptr_array_index (devices, 0))->name);
  self->sources_asked = FALSE;
  kiosk_documents_ask_sources (self);
  kiosk_documents_show_error (self, NULL);
  gtk_widget_set_visible (self->search_button, FALSE);
}

static void
search_scanner_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  gtk_widget_set_sensitive (self->search_button, FALSE);
  kiosk_documents_show_error (self, _("Searching for the scanner…"));
  kiosk_scanner_list_devices_async (kiosk_context_get_scanner (kiosk_page_get_context (KIOSK_PAGE (self))),
                                    kiosk_session_get_cancellable (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self)))),
                                    devices_found_cb, g_object_ref (self));
}

/* "Stop the scan": the scan or the feeder batch in progress stops at once; nothing of it is kept
 * (the pages a batch finished before stay). */
static void
stop_scan_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  if (self->scanning != NULL)
    g_cancellable_cancel (kiosk_page_get_cancellable (KIOSK_PAGE (self)));
}

static void
documents_back_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (widget);

  if (self->back_action != NULL)
    {
      gtk_widget_activate_action (widget, self->back_action, NULL);
      return;
    }
  if (self->dossier == NULL)
    return;
  gtk_widget_activate_action (widget, "win.edit-step", "u",
                              kiosk_dossier_previous_page (self->dossier,
                                                           kiosk_procedure_get_n_pages (kiosk_dossier_get_procedure (self->dossier))));
}

/**
 * kiosk_documents_page_set_done_actions:
 * @title: the page's title
 * @back_action: what "Back" activates (no parameter)
 * @next_action: what "Next" activates (no parameter), sensitive when the documents are complete
 * @next_name: the "Next" button's widget name
 *
 * Makes the page serve another page's documents (the follow-up page's capture of a missing
 * document): no steps, no "Continue later", its own way back and forward.
 */
void
kiosk_documents_page_set_done_actions (KioskDocumentsPage *self,
                                       const char         *title,
                                       const char         *back_action,
                                       const char         *next_action,
                                       const char         *next_name)
{
  g_return_if_fail (KIOSK_IS_DOCUMENTS_PAGE (self));
  g_free (self->back_action);
  self->back_action = g_strdup (back_action);
  gtk_label_set_label (self->title_label, title);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->next_button), NULL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->next_button), next_action);
  gtk_widget_set_name (self->next_button, next_name);
  gtk_widget_set_visible (self->park_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->step_label), FALSE);
}

static void
kiosk_documents_page_dispose (GObject *object)
{
  KioskDocumentsPage *self = KIOSK_DOCUMENTS_PAGE (object);

  g_cancellable_cancel (kiosk_page_get_cancellable (KIOSK_PAGE (self)));
  /* The camera's pipeline runs on threads of its own: stopped with the page (no row made again). */
  g_clear_pointer (&self->slots, g_hash_table_unref);
  kiosk_documents_close_camera (self);
  if (self->dossier != NULL)
    g_signal_handlers_disconnect_by_func (self->dossier, dossier_changed_cb, self);
  g_clear_object (&self->dossier);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_DOCUMENTS_PAGE);
  g_clear_pointer (&self->scanning, g_free);
  g_clear_pointer (&self->batch_pages, g_ptr_array_unref);
  g_clear_pointer (&self->batch_before, g_ptr_array_unref);
  g_clear_error (&self->batch_error);
  g_clear_pointer (&self->usb_varname, g_free);
  g_clear_pointer (&self->usb_root, g_free);
  g_clear_pointer (&self->usb_files, g_ptr_array_unref);
  g_clear_pointer (&self->editing, g_free);
  g_clear_pointer (&self->back_action, g_free);

  G_OBJECT_CLASS (kiosk_documents_page_parent_class)->dispose (object);
}

static void
kiosk_documents_page_class_init (KioskDocumentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->set_dossier = kiosk_documents_page_set_dossier;
  object_class->dispose = kiosk_documents_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-documents-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, step_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, search_button);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, scan_preview);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, stop_button);
  gtk_widget_class_install_action (widget_class, "documents.stop", NULL, stop_scan_cb);
  kiosk_documents_page_scan_class_init (widget_class);
  kiosk_documents_page_edit_class_init (widget_class);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, rows_box);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, next_button);
  gtk_widget_class_bind_template_child (widget_class, KioskDocumentsPage, park_button);
  gtk_widget_class_install_action (widget_class, "documents.back", NULL, documents_back_cb);
  gtk_widget_class_install_action (widget_class, "documents.search-scanner", NULL, search_scanner_cb);
  gtk_widget_class_install_action (widget_class, "documents.no-back", "s", no_back_cb);
}

static void
kiosk_documents_page_init (KioskDocumentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->edit_page = -1;
}

