/* kiosk-import.c: listing a USB stick and importing a file from it.
 *
 * The stick is the first removable mount GIO knows (or KIOSK_USB_ROOT, for terminals where
 * sticks are mounted at a fixed place, and for tests). Listing walks it three folders deep and
 * keeps regular files named .pdf, .jpg, .jpeg or .png — never following a symbolic link, so
 * nothing outside the stick shows. Importing opens the file again without following links,
 * checks it is still under the stick's root, reads at most KIOSK_IMPORT_MAX_SIZE bytes and hands
 * them to kiosk-import-helper, which runs sandboxed (kiosk-sandbox.c). */
#include "kiosk-import.h"

#include "kiosk-errors.h"
#include "kiosk-sandbox.h"
#include "kiosk-task.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

void
kiosk_usb_file_free (KioskUsbFile *file)
{
  if (file == NULL)
    return;
  g_free (file->name);
  g_free (file);
}

void
kiosk_imported_free (KioskImported *imported)
{
  if (imported == NULL)
    return;
  g_free (imported->content_type);
  g_clear_pointer (&imported->content, g_bytes_unref);
  g_clear_pointer (&imported->preview, kiosk_image_free);
  g_free (imported);
}

/**
 * kiosk_usb_find_root:
 *
 * Returns: (transfer full) (nullable): the folder of the USB stick plugged in, or %NULL
 */
char *
kiosk_usb_find_root (void)
{
  const char *forced = g_getenv ("KIOSK_USB_ROOT");
  g_autoptr(GVolumeMonitor) monitor = NULL;
  GList *mounts;
  char *root = NULL;

  if (forced != NULL && *forced != '\0')
    return g_file_test (forced, G_FILE_TEST_IS_DIR) ? g_strdup (forced) : NULL;
  monitor = g_volume_monitor_get ();
  mounts = g_volume_monitor_get_mounts (monitor);
  for (GList *l = mounts; l != NULL && root == NULL; l = l->next)
    {
      GMount *mount = l->data;
      g_autoptr(GDrive) drive = g_mount_get_drive (mount);

      if ((drive != NULL && g_drive_is_removable (drive)) || g_mount_can_eject (mount))
        {
          g_autoptr(GFile) file = g_mount_get_root (mount);

          root = g_file_get_path (file);
        }
    }
  g_list_free_full (mounts, g_object_unref);
  return root;
}

static gboolean
is_importable_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return name[0] != '.' && (g_str_has_suffix (lower, ".pdf") || g_str_has_suffix (lower, ".jpg")
                            || g_str_has_suffix (lower, ".jpeg") || g_str_has_suffix (lower, ".png"));
}

static void
walk (const char *root,
      const char *relative,
      guint       depth,
      GPtrArray  *files)
{
  g_autofree char *path = relative ? g_build_filename (root, relative, NULL) : g_strdup (root);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL && files->len < 500)
    {
      g_autofree char *child_relative = relative ? g_build_filename (relative, name, NULL) : g_strdup (name);
      g_autofree char *child = g_build_filename (root, child_relative, NULL);
      GStatBuf st;

      if (name[0] == '.' || g_lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode) && depth < 3)
        walk (root, child_relative, depth + 1, files);
      else if (S_ISREG (st.st_mode) && is_importable_name (name))
        {
          KioskUsbFile *file = g_new0 (KioskUsbFile, 1);

          file->name = g_steal_pointer (&child_relative);
          file->size = st.st_size;
          g_ptr_array_add (files, file);
        }
    }
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate ((*(KioskUsbFile **) a)->name, (*(KioskUsbFile **) b)->name);
}

/**
 * kiosk_usb_list_files:
 *
 * Blocking (a stick may be slow): from a worker.
 *
 * Returns: (transfer full) (element-type KioskUsbFile): the documents on the stick, by name
 */
GPtrArray *
kiosk_usb_list_files (const char  *root,
                      GError     **error)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_usb_file_free);

  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_NO_DEVICE, "No USB stick");
      g_ptr_array_unref (files);
      return NULL;
    }
  walk (root, NULL, 0, files);
  g_ptr_array_sort (files, compare_files);
  return files;
}

/* Reads @name under @root, following no link on the way, within the size limit. */
static GBytes *
read_from_stick (const char  *root,
                 const char  *name,
                 GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (name, "/", -1);
  int dir = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int fd = -1;
  struct stat st;
  GByteArray *data;

  for (guint i = 0; dir >= 0 && parts[i] != NULL; i++)
    {
      int next;

      if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        {
          close (dir);
          dir = -1;
          break;
        }
      /* O_NONBLOCK: opening a FIFO (or a device) put on the stick would otherwise wait forever
       * for a writer; what is not a regular file is refused below. */
      next = openat (dir, parts[i], (parts[i + 1] ? O_DIRECTORY : O_NONBLOCK) | O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      close (dir);
      if (parts[i + 1] == NULL)
        {
          fd = next;
          break;
        }
      dir = next;
    }
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      if (fd >= 0)
        close (fd);
      g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO, "The file cannot be opened on the stick");
      return NULL;
    }
  /* A regular file: reads block as usual (they do not wait on a writer). */
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  if (st.st_size > KIOSK_IMPORT_MAX_SIZE)
    {
      close (fd);
      g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_TOO_LARGE, "The file is too large");
      return NULL;
    }
  data = g_byte_array_sized_new (st.st_size);
  for (;;)
    {
      guint8 buffer[65536];
      ssize_t n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      if (data->len + n > KIOSK_IMPORT_MAX_SIZE)
        {
          close (fd);
          g_byte_array_unref (data);
          g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_TOO_LARGE, "The file is too large");
          return NULL;
        }
      g_byte_array_append (data, buffer, n);
    }
  close (fd);
  return g_byte_array_free_to_bytes (data);
}

/* The helper's whole answer: the converted file, a preview and the lines around them. */
#define IMPORT_MAX_OUTPUT ((gsize) 2 * KIOSK_IMPORT_MAX_SIZE + 4096 * 4096 * 3)
/* Wall-clock time a conversion may take (the helper's CPU limit is 40 s: a PDF's pages are each
 * drawn at 300 dpi); KIOSK_IMPORT_TIMEOUT_MS shortens it in tests. */
#define IMPORT_TIMEOUT_MS 90000

static guint
import_timeout_ms (void)
{
  const char *forced = g_getenv ("KIOSK_IMPORT_TIMEOUT_MS");
  guint64 value = forced ? g_ascii_strtoull (forced, NULL, 10) : 0;

  return value > 0 && value < IMPORT_TIMEOUT_MS ? (guint) value : IMPORT_TIMEOUT_MS;
}

/* A line of the answer at *@at, up to its newline (within 256 bytes); NULL if there is none. */
static char *
take_line (GBytes *out,
           gsize  *at)
{
  gsize size;
  const char *data = g_bytes_get_data (out, &size);
  const char *end = *at < size ? memchr (data + *at, '\n', MIN (size - *at, 256)) : NULL;
  char *line;

  if (end == NULL)
    return NULL;
  line = g_strndup (data + *at, end - (data + *at));
  *at = end - data + 1;
  return line;
}

/* @length bytes of the answer at *@at, if the helper really sent that many. */
static GBytes *
take_bytes (GBytes *out,
            gsize  *at,
            gsize   length)
{
  gsize size = g_bytes_get_size (out);
  GBytes *slice;

  if (*at > size || length > size - *at)
    return NULL;
  slice = g_bytes_new ((const guint8 *) g_bytes_get_data (out, NULL) + *at, length);
  *at += length;
  return slice;
}

/* The helper's answer: a header, the converted file, maybe a preview. */
static KioskImported *
parse_answer (GBytes  *out,
              GError **error)
{
  g_autoptr(KioskImported) imported = g_new0 (KioskImported, 1);
  g_autofree char *line = NULL;
  gsize size, at = 0;

  line = take_line (out, &at);
  if (line == NULL || g_str_has_prefix (line, "ERROR "))
    {
      int code = line ? atoi (line + 6) : 1;

      g_set_error (error, KIOSK_SCANNER_ERROR,
                   code == 2 ? KIOSK_SCANNER_ERROR_TOO_LARGE
                   : code == 3 ? KIOSK_SCANNER_ERROR_UNSUPPORTED : KIOSK_SCANNER_ERROR_UNREADABLE,
                   "The file was refused: %s", line ? line : "no answer");
      return NULL;
    }
  if (sscanf (line, "JPEG %zu", &size) == 1)
    imported->content_type = g_strdup ("image/jpeg");
  else if (sscanf (line, "PDF %zu", &size) == 1)
    imported->content_type = g_strdup ("application/pdf");
  else
    {
      g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNREADABLE, "Unexpected answer");
      return NULL;
    }
  /* The announced size is checked against what really came, never allocated on trust. */
  imported->content = take_bytes (out, &at, size);
  if (imported->content == NULL)
    {
      g_set_error_literal (error, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNREADABLE, "Short answer");
      return NULL;
    }
  g_free (line);
  line = take_line (out, &at);
  {
    guint w = 0, h = 0, full_w = 0, full_h = 0;

    if (line != NULL && sscanf (line, "PREVIEW %u %u %u %u", &w, &h, &full_w, &full_h) == 4
        && w > 0 && h > 0 && w <= 4096 && h <= 4096)
      {
        g_autoptr(GBytes) pixels = take_bytes (out, &at, (gsize) w * h * 3);

        if (pixels != NULL)
          imported->preview = kiosk_image_new (w, h, 150, pixels);
        imported->width = full_w;
        imported->height = full_h;
      }
  }
  return g_steal_pointer (&imported);
}

static void
import_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  char **args = task_data;   /* root, name */
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = read_from_stick (args[0], args[1], &error);
  const char *helper = g_getenv ("KIOSK_IMPORT_HELPER");
  const char *argv[] = { helper && *helper ? helper : KIOSK_LIBEXECDIR "/kiosk-import-helper", NULL };
  g_autoptr(GBytes) out = NULL;
  KioskImported *imported;

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  out = kiosk_sandbox_run (KIOSK_SANDBOX_IMPORT, argv, bytes, IMPORT_MAX_OUTPUT, import_timeout_ms (),
                           cancellable, &error);
  kiosk_wipe_bytes (bytes);
  if (out == NULL)
    {
      /* Too long, too much: the file is what made the helper misbehave. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        g_task_return_new_error (task, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_UNREADABLE,
                                 "The file was refused: %s", error->message);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, KIOSK_SCANNER_ERROR, KIOSK_SCANNER_ERROR_IO,
                                 "The import helper cannot run: %s", error->message);
      return;
    }
  imported = parse_answer (out, &error);
  kiosk_wipe_bytes (out);
  if (imported == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, imported, (GDestroyNotify) kiosk_imported_free);
}

/**
 * kiosk_import_file_async:
 * @root: the stick's folder (kiosk_usb_find_root())
 * @name: a file kiosk_usb_list_files() listed
 *
 * Reads and checks the file in a worker and a helper process.
 */
void
kiosk_import_file_async (const char          *root,
                         const char          *name,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  char **args = g_new0 (char *, 3);

  args[0] = g_strdup (root);
  args[1] = g_strdup (name);
  kiosk_task_run_in_thread (NULL, cancellable, callback, user_data, kiosk_import_file_async, args,
                            (GDestroyNotify) g_strfreev, import_in_thread);
}

/**
 * kiosk_import_file_finish:
 *
 * Returns: (transfer full): the checked file, or %NULL with a #KIOSK_SCANNER_ERROR
 *   (_TOO_LARGE, _UNSUPPORTED, _UNREADABLE, _IO)
 */
KioskImported *
kiosk_import_file_finish (GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
