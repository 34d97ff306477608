#!/usr/bin/env bash
# What bash offers for a command line, one candidate a line, as the completion function FUNCTION
# of SCRIPT computes it (run by CompletionTests):
#
#   complete-words.bash SCRIPT FUNCTION WORD...    the last WORD is the one being completed
script="$1" function="$2"
shift 2
# shellcheck source=/dev/null
source "$script"
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
"$function" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
