# AX_PTHREAD_SIMPLE: find how to link POSIX threads (glibc >= 2.34 has them in libc).
AC_DEFUN([AX_PTHREAD_SIMPLE], [
  PTHREAD_LIBS=
  AC_SEARCH_LIBS([pthread_create], [pthread], [],
                 [AC_MSG_ERROR([POSIX threads are required])])
  AS_CASE(["$ac_cv_search_pthread_create"],
          ["none required"], [], [PTHREAD_LIBS="$ac_cv_search_pthread_create"])
  AC_SUBST([PTHREAD_LIBS])
])
