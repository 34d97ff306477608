#ifndef GIT_ORCH_CLIBGIT2_SHIM_H
#define GIT_ORCH_CLIBGIT2_SHIM_H
#include <git2.h>
#endif
