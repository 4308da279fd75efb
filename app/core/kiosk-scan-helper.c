/* kiosk-scan-helper.c: scans one page with libsane and writes it to stdout, then exits.
 *
 * The kiosk never loads a SANE backend itself: backends may hang, crash, or (as the test
 * backend does) cancel their threads asynchronously and leave a libc lock held. In a helper
 * process any of these costs one scan, which the kiosk can kill, never the kiosk.
 *
 * Usage: kiosk-scan-helper [--device NAME] [--dpi N] [--gray] [--option NAME=VALUE]…
 *                          [--batch [--duplex]]   (every page of the feeder, until it is empty)
 *        kiosk-scan-helper --list      (one "DEVICE <name>\t<vendor>\t<model>" line each, then END)
 *        kiosk-scan-helper --sources [--device NAME]   (DEVICE, one "SOURCE <name>" line per
 *                                      paper source the device offers, then END)
 * Output, on stdout:
 *   DEVICE <name>\n
 *   FRAME <width> <height>\n     (height 0: not known before the end, as with a hand-scanner)
 *   DATA <n>\n then n bytes of 8-bit RGB rows (the rows one sane_read() completed), as many
 *              times as needed
 *   END <µs>\n   (the time spent in sane_start() and sane_read(), for bench-scan)
 * with --batch, that for each page, then BATCH_END\n once the feeder is empty;
 * or, at any point between blocks,
 *   ERROR <SANE_Status number> <message>\n
 * The output is flushed before the device is released, so the kiosk may kill the helper as soon
 * as it has read it. */
#include "kiosk-helper-confine.h"

#include <glib.h>
#include <sane/sane.h>
#include <sane/saneopts.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* A feeder that never says it is empty (a jammed sensor) stops here. */
#define MAX_BATCH_PAGES 100

static void
write_line (const char *format,
            ...) G_GNUC_PRINTF (1, 2);

static void
write_line (const char *format,
            ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  kiosk_helper_write_all (line, strlen (line));
}

/* Reports the failure first, then releases the device: a backend that hangs in sane_cancel()
 * no longer matters. */
static int
fail (SANE_Handle  handle,
      SANE_Status  status,
      const char  *what)
{
  write_line ("ERROR %d %s: %s\n", (int) status, what, sane_strstatus (status));
  if (handle != NULL)
    {
      sane_cancel (handle);
      sane_close (handle);
    }
  sane_exit ();
  return 1;
}

/* Sets an option by name when the device has it and it is active; vendors differ, so a missing
 * option is not an error. */
static void
set_option (SANE_Handle  handle,
            const char  *name,
            const char  *value)
{
  SANE_Int count = 0;

  if (sane_control_option (handle, 0, SANE_ACTION_GET_VALUE, &count, NULL) != SANE_STATUS_GOOD)
    return;
  for (SANE_Int i = 1; i < count; i++)
    {
      const SANE_Option_Descriptor *desc = sane_get_option_descriptor (handle, i);
      SANE_Int info = 0;

      if (desc == NULL || desc->name == NULL || strcmp (desc->name, name) != 0)
        continue;
      if (!SANE_OPTION_IS_ACTIVE (desc->cap) || !SANE_OPTION_IS_SETTABLE (desc->cap))
        return;
      switch (desc->type)
        {
        case SANE_TYPE_STRING:
          {
            g_autofree char *buffer = g_malloc0 (MAX ((gsize) desc->size, strlen (value) + 1));

            strcpy (buffer, value);
            sane_control_option (handle, i, SANE_ACTION_SET_VALUE, buffer, &info);
          }
          break;
        case SANE_TYPE_BOOL:
          {
            SANE_Bool b = g_ascii_strcasecmp (value, "yes") == 0 || g_ascii_strcasecmp (value, "true") == 0
                          || strcmp (value, "1") == 0;

            sane_control_option (handle, i, SANE_ACTION_SET_VALUE, &b, &info);
          }
          break;
        case SANE_TYPE_INT:
          {
            SANE_Int n = (SANE_Int) g_ascii_strtoll (value, NULL, 10);

            sane_control_option (handle, i, SANE_ACTION_SET_VALUE, &n, &info);
          }
          break;
        case SANE_TYPE_FIXED:
          {
            SANE_Fixed f = SANE_FIX (g_ascii_strtod (value, NULL));

            sane_control_option (handle, i, SANE_ACTION_SET_VALUE, &f, &info);
          }
          break;
        default:
          break;
        }
      return;
    }
}

/* Writes the rows waiting in @rows as one DATA block, in one system call. */
static void
write_rows (const guint8 *rows,
            gsize         length)
{
  char header[32];
  struct iovec parts[2];
  int header_length;

  if (length == 0)
    return;
  header_length = g_snprintf (header, sizeof header, "DATA %" G_GSIZE_FORMAT "\n", length);
  parts[0].iov_base = header;
  parts[0].iov_len = header_length;
  parts[1].iov_base = (void *) rows;
  parts[1].iov_len = length;
  for (guint i = 0; i < 2;)
    {
      ssize_t n = writev (STDOUT_FILENO, parts + i, 2 - i);

      if (n <= 0)
        _exit (3);   /* the kiosk went away */
      while (i < 2 && (gsize) n >= parts[i].iov_len)
        n -= parts[i++].iov_len;
      if (i < 2)
        {
          parts[i].iov_base = (guint8 *) parts[i].iov_base + n;
          parts[i].iov_len -= n;
        }
    }
}

/* Reads the page sane_start() began and writes it out (FRAME, DATA…, END). Returns 0, or what
 * fail() returns. @sane_us: the time already spent in sane_start(). */
static int
read_page (SANE_Handle handle,
           gint64      sane_us)
{
  SANE_Parameters params;
  SANE_Status status;
  guint8 *row, *rows;
  gsize row_filled = 0, rgb_length, rows_filled = 0, rows_size;
  static guint8 buffer[65536];

  /* Parameters are only reliable after sane_start(). */
  status = sane_get_parameters (handle, &params);
  if (status != SANE_STATUS_GOOD)
    return fail (handle, status, "parameters");
  /* A hand-scanner does not know the page's height (lines = -1): rows come until EOF. */
  if (params.depth != 8 || params.lines == 0 || params.lines < -1 || params.pixels_per_line <= 0
      || (params.format != SANE_FRAME_RGB && params.format != SANE_FRAME_GRAY)
      || params.bytes_per_line < params.pixels_per_line * (params.format == SANE_FRAME_RGB ? 3 : 1))
    return fail (handle, SANE_STATUS_UNSUPPORTED, "frame");

  write_line ("FRAME %d %d\n", params.pixels_per_line, params.lines < 0 ? 0 : params.lines);
  if (params.lines < 0)
    params.lines = G_MAXINT;   /* until EOF */
  rgb_length = (gsize) params.pixels_per_line * 3;
  row = g_malloc (params.bytes_per_line);
  /* Every row one read can complete, written out together after it. */
  rows_size = (sizeof buffer / params.bytes_per_line + 2) * rgb_length;
  rows = g_malloc (rows_size);
  for (SANE_Int line = 0; line < params.lines;)
    {
      SANE_Int length = 0;
      SANE_Int offset = 0;
      gint64 before = g_get_monotonic_time ();

      status = sane_read (handle, buffer, sizeof buffer, &length);
      sane_us += g_get_monotonic_time () - before;
      if (status == SANE_STATUS_EOF)
        break;
      if (status != SANE_STATUS_GOOD)
        return fail (handle, status, "read");
      if (length < 0)
        return fail (handle, SANE_STATUS_IO_ERROR, "read");

      /* Repack each complete row into tight RGB, whatever the device's padding and format. */
      while (offset < length && line < params.lines)
        {
          gsize take = MIN ((gsize) (length - offset), (gsize) params.bytes_per_line - row_filled);

          memcpy (row + row_filled, buffer + offset, take);
          row_filled += take;
          offset += take;
          if (row_filled == (gsize) params.bytes_per_line)
            {
              guint8 *rgb;

              if (rows_filled + rgb_length > rows_size)
                {
                  write_rows (rows, rows_filled);
                  rows_filled = 0;
                }
              rgb = rows + rows_filled;
              if (params.format == SANE_FRAME_RGB)
                memcpy (rgb, row, rgb_length);
              else
                for (SANE_Int x = 0; x < params.pixels_per_line; x++)
                  rgb[x * 3] = rgb[x * 3 + 1] = rgb[x * 3 + 2] = row[x];
              rows_filled += rgb_length;
              row_filled = 0;
              line++;
            }
        }
      write_rows (rows, rows_filled);
      rows_filled = 0;
    }
  explicit_bzero (row, params.bytes_per_line);
  explicit_bzero (rows, rows_size);
  explicit_bzero (buffer, sizeof buffer);
  g_free (row);
  g_free (rows);
  /* A short page: the kiosk sees fewer bytes than announced and discards it. */
  write_line ("END %" G_GINT64_FORMAT "\n", sane_us);
  return 0;
}

/* The values of the device's "source" option (flatbed, feeder, duplex feeder…), one per line. */
static void
list_sources (SANE_Handle handle)
{
  SANE_Int count = 0;

  if (sane_control_option (handle, 0, SANE_ACTION_GET_VALUE, &count, NULL) != SANE_STATUS_GOOD)
    return;
  for (SANE_Int i = 1; i < count; i++)
    {
      const SANE_Option_Descriptor *desc = sane_get_option_descriptor (handle, i);

      if (desc == NULL || desc->name == NULL || strcmp (desc->name, SANE_NAME_SCAN_SOURCE) != 0
          || desc->type != SANE_TYPE_STRING || desc->constraint_type != SANE_CONSTRAINT_STRING_LIST)
        continue;
      for (const SANE_String_Const *v = desc->constraint.string_list; *v != NULL; v++)
        if (strchr (*v, '\n') == NULL)
          write_line ("SOURCE %s\n", *v);
      return;
    }
}

/* Picks the device's document feeder (a "source" whose name says ADF, feeder or automatic),
 * duplex when asked and available. Returns FALSE when it has none. */
static gboolean
select_feeder (SANE_Handle handle,
               gboolean    duplex)
{
  SANE_Int count = 0;

  if (sane_control_option (handle, 0, SANE_ACTION_GET_VALUE, &count, NULL) != SANE_STATUS_GOOD)
    return FALSE;
  for (SANE_Int i = 1; i < count; i++)
    {
      const SANE_Option_Descriptor *desc = sane_get_option_descriptor (handle, i);
      const char *chosen = NULL;

      if (desc == NULL || desc->name == NULL || strcmp (desc->name, SANE_NAME_SCAN_SOURCE) != 0
          || desc->type != SANE_TYPE_STRING || desc->constraint_type != SANE_CONSTRAINT_STRING_LIST)
        continue;
      for (const SANE_String_Const *v = desc->constraint.string_list; *v != NULL; v++)
        {
          g_autofree char *lower = g_ascii_strdown (*v, -1);
          gboolean feeder = strstr (lower, "adf") || strstr (lower, "feeder") || strstr (lower, "automatic");

          if (!feeder)
            continue;
          if (chosen == NULL || (duplex && strstr (lower, "duplex")) || (!duplex && strstr (lower, "duplex") == NULL && chosen != NULL && strstr (chosen, "uplex")))
            chosen = *v;
        }
      if (chosen == NULL)
        return FALSE;
      set_option (handle, SANE_NAME_SCAN_SOURCE, chosen);
      return TRUE;
    }
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *device = NULL;
  g_auto(GStrv) options = NULL;
  int dpi = 300;
  gboolean gray = FALSE;
  gboolean list = FALSE;
  gboolean batch = FALSE;
  gboolean duplex = FALSE;
  gboolean sources = FALSE;
  const GOptionEntry entries[] = {
    { "sources", 0, 0, G_OPTION_ARG_NONE, &sources, "List the device's paper sources and exit", NULL },
    { "list", 0, 0, G_OPTION_ARG_NONE, &list, "List the scanners and exit", NULL },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, "SANE device name", "NAME" },
    { "dpi", 0, 0, G_OPTION_ARG_INT, &dpi, "Resolution", "N" },
    { "gray", 0, 0, G_OPTION_ARG_NONE, &gray, "Scan in grey", NULL },
    { "option", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options, "Device option", "NAME=VALUE" },
    { "batch", 0, 0, G_OPTION_ARG_NONE, &batch, "Scan every page of the document feeder", NULL },
    { "duplex", 0, 0, G_OPTION_ARG_NONE, &duplex, "With --batch: both sides, when the feeder can", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  SANE_Handle handle = NULL;
  SANE_Status status;
  SANE_Int version;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (!kiosk_helper_confine (KIOSK_CONFINE_SCAN, &error))
    {
      write_line ("ERROR %d %s\n", (int) SANE_STATUS_ACCESS_DENIED, error->message);
      return 1;
    }

  sane_init (&version, NULL);
  if (list)
    {
      const SANE_Device **devices = NULL;

      if (sane_get_devices (&devices, SANE_FALSE) == SANE_STATUS_GOOD && devices != NULL)
        for (guint i = 0; devices[i] != NULL; i++)
          write_line ("DEVICE %s\t%s\t%s\n", devices[i]->name,
                      devices[i]->vendor ? devices[i]->vendor : "",
                      devices[i]->model ? devices[i]->model : "");
      write_line ("END\n");
      sane_exit ();
      return 0;
    }
  if (device == NULL)
    {
      const SANE_Device **devices = NULL;

      status = sane_get_devices (&devices, SANE_TRUE);
      if (status != SANE_STATUS_GOOD || devices == NULL || devices[0] == NULL)
        {
          write_line ("ERROR -1 No scanner found\n");
          sane_exit ();
          return 1;
        }
      device = g_strdup (devices[0]->name);
    }

  status = sane_open (device, &handle);
  if (status == SANE_STATUS_INVAL || status == SANE_STATUS_ACCESS_DENIED)
    {
      write_line ("ERROR -1 Cannot open scanner %s: %s\n", device, sane_strstatus (status));
      sane_exit ();
      return 1;
    }
  if (status != SANE_STATUS_GOOD)
    return fail (NULL, status, "open");
  write_line ("DEVICE %s\n", device);
  if (sources)
    {
      list_sources (handle);
      write_line ("END\n");
      sane_close (handle);
      sane_exit ();
      return 0;
    }

  set_option (handle, SANE_NAME_SCAN_MODE, gray ? SANE_VALUE_SCAN_MODE_GRAY : SANE_VALUE_SCAN_MODE_COLOR);
  set_option (handle, SANE_NAME_BIT_DEPTH, "8");
  {
    g_autofree char *text = g_strdup_printf ("%d", dpi);

    set_option (handle, SANE_NAME_SCAN_RESOLUTION, text);
  }
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (options[i], "=", 2);

      if (pair[0] != NULL && pair[1] != NULL)
        set_option (handle, pair[0], pair[1]);
    }

  if (batch && !select_feeder (handle, duplex))
    {
      write_line ("ERROR -2 This scanner has no document feeder\n");
      sane_cancel (handle);
      sane_close (handle);
      sane_exit ();
      return 1;
    }

  /* One page; or, from the feeder, pages until it is empty (at most MAX_BATCH_PAGES). */
  for (guint page = 0; ; page++)
    {
      int result;

      gint64 before = g_get_monotonic_time ();

      status = sane_start (handle);
      if (batch && page > 0 && status == SANE_STATUS_NO_DOCS)
        {
          write_line ("BATCH_END\n");
          break;
        }
      if (status != SANE_STATUS_GOOD)
        return fail (handle, status, "start");
      result = read_page (handle, g_get_monotonic_time () - before);
      if (result != 0)
        return result;
      if (!batch)
        break;
      if (page + 1 == MAX_BATCH_PAGES)
        {
          write_line ("BATCH_END\n");
          break;
        }
    }
  sane_cancel (handle);
  sane_close (handle);
  sane_exit ();
  return 0;
}
