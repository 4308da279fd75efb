/* kiosk-document.c: PDF assembly with JPEG passthrough (cairo), a scan's pages, and the in-memory
 * document a citizen scanned. Encoding functions are thread-safe and meant for GTask workers; the
 * pixels themselves are kiosk-image.c's. */
#include "kiosk-document.h"

#include "kiosk-errors.h"
#include "kiosk-hardening.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <string.h>

/**
 * kiosk_scan_new_from_image:
 *
 * Returns: (transfer full) (nullable): @image encoded, with its reduced copy
 */
KioskScan *
kiosk_scan_new_from_image (const KioskImage  *image,
                           int                quality,
                           GError           **error)
{
  g_autoptr(GBytes) jpeg = kiosk_encode_jpeg (image, quality, error);
  KioskScan *scan;

  if (jpeg == NULL)
    return NULL;
  scan = g_new0 (KioskScan, 1);
  scan->width = image->width;
  scan->height = image->height;
  scan->dpi = image->dpi;
  scan->jpeg = g_steal_pointer (&jpeg);
  scan->jpeg_locked = kiosk_memory_lock (g_bytes_get_data (scan->jpeg, NULL), g_bytes_get_size (scan->jpeg));
  scan->reduced = kiosk_image_downscale (image, MAX (1, MAX (image->width, image->height) / 3));
  return scan;
}

void
kiosk_scan_free (KioskScan *scan)
{
  if (scan == NULL)
    return;
  if (scan->jpeg_locked)
    kiosk_memory_unlock (g_bytes_get_data (scan->jpeg, NULL), g_bytes_get_size (scan->jpeg));
  g_clear_pointer (&scan->jpeg, g_bytes_unref);
  g_clear_pointer (&scan->reduced, kiosk_image_free);
  g_clear_pointer (&scan->thumbnail, kiosk_image_free);
  g_free (scan);
}

static cairo_status_t
append_to_array_cb (void                *closure,
                    const unsigned char *data,
                    unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * kiosk_encode_pdf:
 * @pages: (element-type KioskImage): the pages, for their size and resolution
 * @jpegs: (element-type GBytes): the same pages as JPEG, embedded unchanged in the PDF
 *
 * Returns: (transfer full): a PDF with one page per image at its physical size, or %NULL
 */
GBytes *
kiosk_encode_pdf (GPtrArray  *pages,
                  GPtrArray  *jpegs,
                  GError    **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);

  g_return_val_if_fail (pages->len == jpegs->len && pages->len > 0, NULL);
  for (guint i = 0; i < pages->len; i++)
    g_ptr_array_add (list, kiosk_sheet_new (g_ptr_array_index (pages, i), g_ptr_array_index (jpegs, i), NULL));
  return kiosk_encode_pdf_pages (list, error);
}

KioskSheet *
kiosk_sheet_new (const KioskImage *image,
                GBytes           *jpeg,
                KioskImage       *preview)
{
  KioskSheet *page = g_new0 (KioskSheet, 1);

  page->width = image->width;
  page->height = image->height;
  page->dpi = image->dpi;
  page->jpeg = g_bytes_ref (jpeg);
  page->preview = preview;
  return page;
}

/* A page from a scan encoded as it came. @preview: (transfer full) (nullable) */
KioskSheet *
kiosk_sheet_new_from_scan (const KioskScan *scan,
                          KioskImage      *preview)
{
  KioskSheet *page = g_new0 (KioskSheet, 1);

  page->width = scan->width;
  page->height = scan->height;
  page->dpi = scan->dpi;
  page->jpeg = g_bytes_ref (scan->jpeg);
  page->preview = preview;
  return page;
}

KioskSheet *
kiosk_sheet_copy (const KioskSheet *page)
{
  KioskSheet *copy = g_memdup2 (page, sizeof *page);

  copy->jpeg = g_bytes_ref (page->jpeg);
  copy->preview = NULL;
  /* Its own pixels: freeing an image wipes them, and the page copied may be freed first. */
  if (page->preview != NULL)
    {
      g_autoptr(GBytes) pixels = g_bytes_new (g_bytes_get_data (page->preview->pixels, NULL),
                                              g_bytes_get_size (page->preview->pixels));

      copy->preview = kiosk_image_new (page->preview->width, page->preview->height, page->preview->dpi, pixels);
    }
  return copy;
}

void
kiosk_sheet_free (KioskSheet *page)
{
  if (page == NULL)
    return;
  g_bytes_unref (page->jpeg);
  g_clear_pointer (&page->preview, kiosk_image_free);
  g_free (page);
}


/**
 * kiosk_encode_pdf_pages:
 * @pages: (element-type KioskSheet): in order
 *
 * Like kiosk_encode_pdf(), each page turned as the citizen asked: the page's size is swapped
 * for a quarter turn and the JPEG drawn turned; its bytes are embedded unchanged.
 *
 * Returns: (transfer full): the PDF, or %NULL
 */
GBytes *
kiosk_encode_pdf_pages (GPtrArray  *pages,
                        GError    **error)
{
  GByteArray *out;
  cairo_surface_t *pdf = NULL;
  cairo_t *cr = NULL;
  gsize expected = 16384;

  g_return_val_if_fail (pages->len > 0, NULL);
  /* Room for the JPEGs and the PDF's own few kilobytes from the start: growing by doubling
   * would copy megabytes, and briefly hold twice as much. */
  for (guint i = 0; i < pages->len; i++)
    expected += g_bytes_get_size (((KioskSheet *) g_ptr_array_index (pages, i))->jpeg) + 4096;
  out = g_byte_array_sized_new (expected);
  for (guint i = 0; i < pages->len; i++)
    {
      const KioskSheet *page = g_ptr_array_index (pages, i);
      double dpi = page->dpi > 0 ? page->dpi : 300;
      double width_pt = page->width * 72.0 / dpi;
      double height_pt = page->height * 72.0 / dpi;
      guint turns = page->quarter_turns % 4;
      double page_w = turns % 2 ? height_pt : width_pt;
      double page_h = turns % 2 ? width_pt : height_pt;
      cairo_surface_t *surface;

      if (pdf == NULL)
        {
          pdf = cairo_pdf_surface_create_for_stream (append_to_array_cb, out, page_w, page_h);
          cr = cairo_create (pdf);
        }
      else
        cairo_pdf_surface_set_size (pdf, page_w, page_h);

      /* A 1 × 1 surface carrying the JPEG: the PDF backend embeds the JPEG's bytes (DCTDecode)
       * at the JPEG's own size and draws it over the surface's extent, scaled here to the page.
       * A surface of the page's size would cost 4 bytes a pixel (35 MB at 300 dpi) for pixels
       * cairo never reads. */
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
      cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG,
                                   g_bytes_get_data (page->jpeg, NULL), g_bytes_get_size (page->jpeg),
                                   (cairo_destroy_func_t) g_bytes_unref, g_bytes_ref (page->jpeg));
      cairo_save (cr);
      /* Turn around the page's centre, then draw the image centred. */
      cairo_translate (cr, page_w / 2, page_h / 2);
      cairo_rotate (cr, turns * G_PI / 2);
      cairo_translate (cr, -width_pt / 2, -height_pt / 2);
      cairo_scale (cr, width_pt, height_pt);
      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_show_page (cr);
      cairo_surface_destroy (surface);
    }

  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  if (cairo_surface_status (pdf) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_ENCODE,
                   "Cannot build the PDF: %s", cairo_status_to_string (cairo_surface_status (pdf)));
      cairo_surface_destroy (pdf);
      g_byte_array_unref (out);
      return NULL;
    }
  cairo_surface_destroy (pdf);
  return g_byte_array_free_to_bytes (out);
}

struct _KioskDocument
{
  GObject     parent_instance;

  char       *varname;
  char       *content_type;
  char       *filename;
  char       *sha256;
  GBytes     *content;
  KioskImage *preview;
  GPtrArray  *pages;       /* nullable: of KioskSheet, for a PDF built from scanned pages */
  gboolean    locked;      /* the content is kept out of swap */
};

G_DEFINE_FINAL_TYPE (KioskDocument, kiosk_document, G_TYPE_OBJECT)

static void
kiosk_document_finalize (GObject *object)
{
  KioskDocument *self = KIOSK_DOCUMENT (object);

  g_free (self->varname);
  g_free (self->content_type);
  g_free (self->filename);
  g_free (self->sha256);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  /* The bytes may still be referenced by an upload in flight; only the last owner wipes. */
  if (self->content != NULL)
    {
      GBytes *content = g_steal_pointer (&self->content);
      gsize size;

      if (self->locked)
        kiosk_memory_unlock (g_bytes_get_data (content, NULL), g_bytes_get_size (content));
      gpointer data = g_bytes_unref_to_data (content, &size);

      if (data != NULL)
        explicit_bzero (data, size);
      g_free (data);
    }
  g_clear_pointer (&self->preview, kiosk_image_free);

  G_OBJECT_CLASS (kiosk_document_parent_class)->finalize (object);
}

static void
kiosk_document_class_init (KioskDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_document_finalize;
}

static void
kiosk_document_init (KioskDocument *self)
{
}

/**
 * kiosk_document_new:
 * @varname: the procedure's document varname
 * @content_type: "image/jpeg" or "application/pdf"
 * @content: the encoded bytes
 * @preview: (transfer full) (nullable): a small image for the screen
 *
 * Returns: (transfer full): a document whose sha256 is computed once, here
 */
KioskDocument *
kiosk_document_new (const char *varname,
                    const char *content_type,
                    GBytes     *content,
                    KioskImage *preview)
{
  KioskDocument *self = g_object_new (KIOSK_TYPE_DOCUMENT, NULL);
  const char *extension = g_str_equal (content_type, "application/pdf") ? "pdf"
                        : g_str_equal (content_type, "image/png") ? "png" : "jpg";

  self->varname = g_strdup (varname);
  self->content_type = g_strdup (content_type);
  self->filename = g_strdup_printf ("%s.%s", varname, extension);
  self->content = g_bytes_ref (content);
  self->locked = kiosk_memory_lock (g_bytes_get_data (content, NULL), g_bytes_get_size (content));
  self->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, content);
  self->preview = preview;
  return self;
}

/**
 * kiosk_document_new_from_pages:
 * @pages: (element-type KioskSheet) (transfer none): the pages, copied
 *
 * A PDF of the pages in this order, each turned as asked; the first page's thumbnail is the
 * document's. Blocking (cairo): call it from a worker.
 *
 * Returns: (transfer full): the document, or %NULL
 */
KioskDocument *
kiosk_document_new_from_pages (const char  *varname,
                               GPtrArray   *pages,
                               GError     **error)
{
  g_autoptr(GBytes) pdf = kiosk_encode_pdf_pages (pages, error);
  const KioskSheet *first;
  KioskImage *preview = NULL;
  KioskDocument *self;

  if (pdf == NULL)
    return NULL;
  first = g_ptr_array_index (pages, 0);
  if (first->preview != NULL)
    preview = kiosk_image_rotate (first->preview, first->quarter_turns);
  self = kiosk_document_new (varname, "application/pdf", pdf, preview);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
  for (guint i = 0; i < pages->len; i++)
    g_ptr_array_add (self->pages, kiosk_sheet_copy (g_ptr_array_index (pages, i)));
  return self;
}

/**
 * kiosk_document_get_pages:
 *
 * Returns: (transfer none) (nullable) (element-type KioskSheet): the pages of a PDF built from
 *   scanned pages; %NULL for a single image or a document read back from a draft
 */
GPtrArray *
kiosk_document_get_pages (KioskDocument *self)
{
  return self->pages;
}

const char *
kiosk_document_get_varname (KioskDocument *self)
{
  return self->varname;
}

const char *
kiosk_document_get_content_type (KioskDocument *self)
{
  return self->content_type;
}

const char *
kiosk_document_get_filename (KioskDocument *self)
{
  return self->filename;
}

/**
 * kiosk_document_get_content:
 *
 * Returns: (transfer none): the encoded bytes
 */
GBytes *
kiosk_document_get_content (KioskDocument *self)
{
  return self->content;
}

const char *
kiosk_document_get_sha256 (KioskDocument *self)
{
  return self->sha256;
}

const KioskImage *
kiosk_document_get_preview (KioskDocument *self)
{
  return self->preview;
}

/**
 * kiosk_document_declare:
 * @builder: a builder inside an object
 * @name: the member's name (the document's varname, or a side's)
 *
 * Adds how a request's JSON declares @self, the file sent beside it in the multipart body:
 * `"name": {"filename", "content_type", "size", "sha256"}`. The portal checks the file against it.
 */
void
kiosk_document_declare (KioskDocument *self,
                        JsonBuilder   *builder,
                        const char    *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filename");
  json_builder_add_string_value (builder, kiosk_document_get_filename (self));
  json_builder_set_member_name (builder, "content_type");
  json_builder_add_string_value (builder, kiosk_document_get_content_type (self));
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, g_bytes_get_size (self->content));
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, self->sha256);
  json_builder_end_object (builder);
}

/**
 * kiosk_document_dup_pages:
 * @self: (nullable): a document, or %NULL (none scanned yet)
 *
 * Returns: (transfer full) (nullable) (element-type KioskSheet): copies of the document's pages,
 *   to change them, or %NULL when it has none (a single image, a PDF brought on a stick)
 */
GPtrArray *
kiosk_document_dup_pages (KioskDocument *self)
{
  GPtrArray *pages = self ? kiosk_document_get_pages (self) : NULL;
  GPtrArray *copy;

  if (pages == NULL)
    return NULL;
  copy = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);
  for (guint i = 0; i < pages->len; i++)
    g_ptr_array_add (copy, kiosk_sheet_copy (g_ptr_array_index (pages, i)));
  return copy;
}
