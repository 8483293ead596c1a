#!/usr/bin/perl
# Run MARC::Lint over ISO 2709 files; print one line per warning:
# "<record number>\t<001>\t<warning>". Exit 0 when the files were read, whatever the warnings.
use strict;
use warnings;
use MARC::Batch;
use MARC::Lint;

binmode STDOUT, ':encoding(UTF-8)';
my $lint = MARC::Lint->new;
my $batch = MARC::Batch->new('USMARC', @ARGV);
$batch->strict_off();
$batch->warnings_off();
my $n = 0;
while (my $record = $batch->next) {
    $n++;
    for my $warning ($batch->warnings) {
        print "$n\t\tREAD: $warning\n";
    }
    my $id = $record->field('001') ? $record->field('001')->data : '';
    $lint->check_record($record);
    for my $warning ($lint->warnings) {
        $warning =~ s/[\r\n]+/ /g;
        print "$n\t$id\t$warning\n";
    }
}
print STDERR "records: $n\n";
