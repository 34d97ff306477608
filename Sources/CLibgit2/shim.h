#ifndef GIT_ORCH_CLIBGIT2_SHIM_H
#define GIT_ORCH_CLIBGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/odb_backend.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one fixed-signature wrapper per option. */
static inline int git_orch_set_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

/* Lets libgit2 open repositories that git itself opens with extensions.worktreeConfig set
   (what `git sparse-checkout` and `git worktree` configs turn on). */
static inline int git_orch_allow_worktree_config_extension(void) {
    const char *extensions[] = { "worktreeconfig" };
    return git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, (size_t)1);
}
#endif
