#ifndef GIT_ORCH_CPROCESS_H
#define GIT_ORCH_CPROCESS_H
#include <spawn.h>
#include <sys/types.h>

/* Process-control calls Swift's Glibc module does not expose (prctl is variadic, the spawn flags
   need _GNU_SOURCE, pseudo-terminal calls need _XOPEN_SOURCE). One fixed-signature wrapper each. */

/* Orphaned descendants re-parent to the calling process instead of init, so the supervisor can
   find and end an agent whose worker died. */
int orch_set_child_subreaper(void);

/* The kernel sends `signal` to the caller when its parent dies; survives execve. */
int orch_set_parent_death_signal(int signal);

/* Opens a pseudo-terminal master sized rows x cols (close-on-exec) and writes its replica's path
   into `name` (the child opens it by path after setsid, which makes it its controlling terminal).
   Returns 0 or errno. */
int orch_open_pty(int *master, char *name, unsigned long capacity, unsigned short rows, unsigned short cols);

/* POSIX_SPAWN_SETSID: the child starts a new session (and so a new process group). */
int orch_spawnattr_setsid(posix_spawnattr_t *attributes);

/* glibc 2.29+ has it; declared here because Glibc's module map hides it. */
int orch_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* A connected, close-on-exec Unix stream socket to `path` (its length checked: sun_path is short),
   or -1 with errno set. */
int orch_connect_unix(const char *path);

/* pipe2(O_CLOEXEC): both ends close on exec, made in one step (Glibc hides pipe2 from Swift). */
int orch_pipe_cloexec(int fds[2]);
#endif
