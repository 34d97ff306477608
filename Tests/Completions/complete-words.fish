# What fish offers for a command line, one candidate a line (without its description), as the
# completion script SCRIPT defines it (run by ManualTests):
#
#   fish --no-config complete-words.fish SCRIPT 'COMMAND LINE'    the line ends in the word completed
source $argv[1]
or exit 2
complete --do-complete $argv[2] | string replace --regex '\t.*' ''
# string replace fails when it replaced nothing: candidates without descriptions are no error.
exit 0
