#include "storage/revision_name.h"

#include "gtest/gtest.h"
#include "storage/validate.h"

namespace critgraph::storage {
namespace {

using Form = RevisionName::Form;

TEST(RevisionName, ParsesEveryForm) {
  EXPECT_EQ(ParseRevisionName("HEAD")->form, Form::kHead);
  EXPECT_EQ(ParseRevisionName("HEAD~3")->number, 3u);
  EXPECT_EQ(ParseRevisionName("17")->form, Form::kNumber);
  EXPECT_EQ(ParseRevisionName("17")->number, 17u);
  EXPECT_EQ(ParseRevisionName("@2024-02-12")->text, "2024-02-12");
  EXPECT_EQ(ParseRevisionName("us-cet-2024")->form, Form::kTag);
}

TEST(RevisionName, RejectsMalformed) {
  for (const char* bad :
       {"", "HEAD~", "HEAD~-1", "HEAD~1x", "@2024-2-12", "@2023-02-29", "@",
        "a b", "99999999999999999999", "tag~1", "\xff"}) {
    EXPECT_FALSE(ParseRevisionName(bad).ok()) << bad;
  }
}

TEST(Validate, Utf8) {
  EXPECT_TRUE(IsValidUtf8("日本語 ok"));
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe6\x97"));          // truncated
}

TEST(Validate, Dates) {
  EXPECT_TRUE(ValidateDate("2024-02-29").ok());
  EXPECT_FALSE(ValidateDate("2023-02-29").ok());
  EXPECT_FALSE(ValidateDate("2023-13-01").ok());
  EXPECT_FALSE(ValidateDate("2023-1-01").ok());
}

}  // namespace
}  // namespace critgraph::storage
