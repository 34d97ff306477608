# What zsh offers for a command line, one candidate a line, with a completion function installed
# as install.sh installs it: a file `_NAME` in a folder on $fpath, found by compinit (run by
# ManualTests):
#
#   zsh -f complete-words.zsh FOLDER 'COMMAND LINE'    the line ends in the word completed
#
# Completion runs only inside the line editor, which wants a terminal: an interactive `zsh -f` on
# a pseudo-terminal (zsh/zpty) is set up, given the line and a TAB. compadd, wrapped, appends each
# candidate it adds that matches the word to a file, printed once the completion is over.
folder=$1 line=$2
work=$(mktemp -d) || exit 2
trap 'zpty -d shell 2>/dev/null; rm -rf $work' EXIT
cat >$work/setup.zsh <<SETUP
PS1='' RPS1=''
fpath=(${(q)folder} \$fpath)
autoload -U compinit && compinit -u -D
compadd() {
    # -O, -A and -D ask for matches without adding them: the completion system's own queries.
    if (( \${@[(I)-[OAD]]} )); then
        builtin compadd "\$@"
        return
    fi
    local -a matched
    builtin compadd -O matched "\$@"
    (( \$#matched )) && print -rl -- \$matched >>$work/candidates
    builtin compadd "\$@"
}
finished() { : >$work/finished }
comppostfuncs=(finished)
: >$work/ready
SETUP
zmodload zsh/zpty || exit 2
zpty shell zsh -f -i || exit 2
zpty -w shell "source $work/setup.zsh"
# Drains the terminal (so the shell never blocks writing to it) until FILE exists, 20 s at most.
await() {
    local chunk
    repeat 400; do
        [[ -e $work/$1 ]] && return 0
        while zpty -r -t shell chunk 2>/dev/null; do :; done
        sleep 0.05
    done
    print -u2 "complete-words.zsh: no $1 within 20 s"
    return 1
}
await ready || exit 1
zpty -w -n shell "$line"$'\t'
await finished || exit 1
[[ -e $work/candidates ]] && sort -u $work/candidates
exit 0
