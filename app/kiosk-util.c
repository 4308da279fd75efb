/* kiosk-util.c: small helpers shared by the pages. */
#include "kiosk-types.h"

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
