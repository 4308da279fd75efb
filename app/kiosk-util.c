/* kiosk-util.c: small helpers shared by the pages. */
#include "kiosk-types.h"

#include "kiosk-qr.h"

/**
 * kiosk_texture_new_for_image:
 *
 * Returns: (transfer full): a texture showing @image (RGB, 8 bits)
 */
GdkTexture *
kiosk_texture_new_for_image (const KioskImage *image)
{
  /* Four bytes a pixel: GTK 4.8's GL renderer shows 3-byte RGB textures wrongly (black). */
  gsize n = (gsize) image->width * image->height;
  const guint8 *rgb = g_bytes_get_data (image->pixels, NULL);
  guint8 *rgba = g_malloc (n * 4);
  g_autoptr(GBytes) bytes = NULL;

  for (gsize i = 0; i < n; i++)
    {
      rgba[i * 4] = rgb[i * 3];
      rgba[i * 4 + 1] = rgb[i * 3 + 1];
      rgba[i * 4 + 2] = rgb[i * 3 + 2];
      rgba[i * 4 + 3] = 0xff;
    }
  bytes = g_bytes_new_take (rgba, n * 4);
  return gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_R8G8B8A8, bytes,
                                 (gsize) image->width * 4);
}

/* Form pages, then one step for documents when the procedure asks for some, then the review. */
guint
kiosk_count_steps (KioskProcedure *procedure)
{
  return kiosk_procedure_get_n_pages (procedure)
         + (kiosk_procedure_get_n_documents (procedure) > 0 ? 1 : 0) + 1;
}

void
kiosk_widget_remove_all (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_BOX (box))
        gtk_box_remove (GTK_BOX (box), child);
      else if (GTK_IS_FLOW_BOX (box))
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
      else if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_widget_unparent (child);
    }
}

/* Printing: text and QR codes laid out top to bottom on a receipt; *y is where the next one goes. */

void
kiosk_print_text (GtkPrintContext *context,
                  const char      *text,
                  const char      *font,
                  double          *y)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  PangoLayout *layout = gtk_print_context_create_pango_layout (context);
  PangoFontDescription *description = pango_font_description_from_string (font);
  int height;

  pango_layout_set_font_description (layout, description);
  pango_layout_set_width (layout, (int) (gtk_print_context_get_width (context) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, 0, *y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, NULL, &height);
  *y += (double) height / PANGO_SCALE + 12;
  pango_font_description_free (description);
  g_object_unref (layout);
}

void
kiosk_print_qr (cairo_t    *cr,
                const char *text,
                double      size,
                double     *y)
{
  g_autoptr(KioskImage) qr = kiosk_qr_render (text, 4, NULL);
  cairo_surface_t *surface;
  const guint8 *rgb;
  guint8 *data;
  int stride;

  if (qr == NULL)
    return;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, qr->width, qr->height);
  rgb = g_bytes_get_data (qr->pixels, NULL);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint j = 0; j < qr->height; j++)
    for (guint i = 0; i < qr->width; i++)
      {
        const guint8 *p = rgb + ((gsize) j * qr->width + i) * 3;

        ((guint32 *) (data + (gsize) j * stride))[i] = (p[0] << 16) | (p[1] << 8) | p[2];
      }
  cairo_surface_mark_dirty (surface);
  cairo_save (cr);
  cairo_translate (cr, 0, *y);
  cairo_scale (cr, size / qr->width, size / qr->height);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);
  *y += size + 12;
}

/**
 * kiosk_stack_label_pages:
 *
 * Gives each page of @stack its title as accessible name, so that a screen reader entering it
 * says what it is (GTK 4.8 would say "GtkStackPage").
 */
void
kiosk_stack_label_pages (GtkStack *stack)
{
  g_autoptr(GListModel) pages = G_LIST_MODEL (gtk_stack_get_pages (stack));

  for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
    {
      g_autoptr(GObject) page = g_list_model_get_item (pages, i);
      const char *title = gtk_stack_page_get_title (GTK_STACK_PAGE (page));

      if (title != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
    }
}

/**
 * kiosk_print_one_page:
 * @job_name: the print job's name, translated
 * @draw_page: draws the page (a GtkPrintOperation::draw-page handler)
 * @data: for @draw_page
 * @export_pdf: (nullable): write a PDF there instead of printing (tests)
 *
 * Prints one page, in points, with the page setup embedded: the receipt's and the appointment's.
 *
 * Returns: %TRUE when the job was handed over
 */
gboolean
kiosk_print_one_page (const char *job_name,
                      GCallback   draw_page,
                      gpointer    data,
                      const char *export_pdf)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GError) error = NULL;

  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_job_name (operation, job_name);
  g_signal_connect (operation, "draw-page", draw_page, data);
  if (export_pdf != NULL)
    gtk_print_operation_set_export_filename (operation, export_pdf);
  if (gtk_print_operation_run (operation,
                               export_pdf ? GTK_PRINT_OPERATION_ACTION_EXPORT : GTK_PRINT_OPERATION_ACTION_PRINT,
                               NULL, &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_warning ("Cannot print %s: %s", job_name, error->message);
      return FALSE;
    }
  return TRUE;
}

/* Tells the citizen, in the window's toast overlay, how printing went. */
void
kiosk_toast_print_result (GtkWidget  *widget,
                          gboolean    printed,
                          const char *done,
                          const char *failed)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  AdwToast *toast = adw_toast_new (printed ? done : failed);

  /* A failure stays until dismissed: the citizen needs the time to write the number down. */
  if (!printed)
    adw_toast_set_timeout (toast, 0);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
forget_text_in (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget) && !GTK_IS_SPIN_BUTTON (gtk_widget_get_parent (widget)))
    {
      /* Undo history keeps copies of what was typed and deleted: disabling it clears it. */
      gtk_editable_select_region (GTK_EDITABLE (widget), 0, 0);
      gtk_editable_set_text (GTK_EDITABLE (widget), "");
      gtk_editable_set_enable_undo (GTK_EDITABLE (widget), FALSE);
      gtk_editable_set_enable_undo (GTK_EDITABLE (widget), TRUE);
    }
  else if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));

      gtk_text_buffer_set_text (buffer, "", 0);
      gtk_text_buffer_set_enable_undo (buffer, FALSE);
      gtk_text_buffer_set_enable_undo (buffer, TRUE);
    }
  else if (GTK_IS_LABEL (widget) && gtk_label_get_selectable (GTK_LABEL (widget)))
    gtk_label_select_region (GTK_LABEL (widget), 0, 0);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    forget_text_in (child);
}

/**
 * kiosk_widget_forget_text:
 * @root: the window
 *
 * At the end of a session, nothing a citizen typed, selected or copied stays in the kiosk's
 * memory: every entry and text view under @root is emptied with its undo history, selections
 * are dropped, and the clipboard and the primary selection are replaced by empty text.
 */
void
kiosk_widget_forget_text (GtkWidget *root)
{
  forget_text_in (root);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (root), "");
  gdk_clipboard_set_text (gtk_widget_get_primary_clipboard (root), "");
}

typedef struct
{
  GtkWidget      *widget;     /* weak */
  GdkFrameClock  *clock;      /* weak */
  gulong          map_id;
  gulong          destroy_id;
  gulong          paint_id;
  GSourceFunc     func;
  gpointer        data;
  GDestroyNotify  destroy;
} AfterFrame;

static void
free_after_frame (AfterFrame *after)
{
  if (after->widget != NULL)
    {
      g_clear_signal_handler (&after->map_id, after->widget);
      g_clear_signal_handler (&after->destroy_id, after->widget);
    }
  if (after->clock != NULL)
    g_clear_signal_handler (&after->paint_id, after->clock);
  g_clear_weak_pointer (&after->widget);
  g_clear_weak_pointer (&after->clock);
  if (after->destroy != NULL)
    after->destroy (after->data);
  g_free (after);
}

static gboolean
after_frame_idle_cb (gpointer user_data)
{
  AfterFrame *after = user_data;

  if (after->widget != NULL)
    after->func (after->data);
  return G_SOURCE_REMOVE;
}

static void
after_frame_paint_cb (GdkFrameClock *clock,
                      AfterFrame    *after)
{
  g_clear_signal_handler (&after->paint_id, clock);
  if (after->widget != NULL)
    g_clear_signal_handler (&after->destroy_id, after->widget);
  /* Low priority: the frame is handed to the display first, and input goes before the work. */
  g_idle_add_full (G_PRIORITY_LOW, after_frame_idle_cb, after, (GDestroyNotify) free_after_frame);
}

static void
after_frame_map_cb (GtkWidget  *widget,
                    AfterFrame *after)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (after->paint_id != 0 || clock == NULL)
    return;
  g_clear_signal_handler (&after->map_id, widget);
  g_set_weak_pointer (&after->clock, clock);
  after->paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_frame_paint_cb), after);
  gtk_widget_queue_draw (widget);
}

/* The widget went before its frame: @func is not called, @destroy is. */
static void
after_frame_destroy_cb (GtkWidget  *widget,
                        AfterFrame *after)
{
  free_after_frame (after);
}

/**
 * kiosk_widget_run_after_first_frame:
 * @widget: a widget that is, or will be, shown
 * @func: called once, on the main loop, after the first frame painted with @widget shown; not
 *   called if @widget is destroyed first (its return value is ignored)
 * @destroy: (nullable): called on @data once @func ran, or will not run
 *
 * What the first screen does not need (background services, a first report) waits for it: on a
 * 2-core terminal every thread started before the first frame delays it.
 */
void
kiosk_widget_run_after_first_frame (GtkWidget      *widget,
                                    GSourceFunc     func,
                                    gpointer        data,
                                    GDestroyNotify  destroy)
{
  AfterFrame *after = g_new0 (AfterFrame, 1);

  after->func = func;
  after->data = data;
  after->destroy = destroy;
  g_set_weak_pointer (&after->widget, widget);
  after->destroy_id = g_signal_connect (widget, "destroy", G_CALLBACK (after_frame_destroy_cb), after);
  if (gtk_widget_get_mapped (widget))
    after_frame_map_cb (widget, after);
  else
    after->map_id = g_signal_connect (widget, "map", G_CALLBACK (after_frame_map_cb), after);
}
