"""Phrases that fit any subtopic: openings, connectors, closings, replies, and the off-topic posts
every real workshop gets."""

IDEA_OPENERS = (
    "I think ", "For me, ", "In my experience ", "Honestly, ", "Simple really: ", "My main point: ",
    "Really pleased to see this. ", "Good to see this in the draft. ", "One thing missing: ",
    "Please don't forget this: ", "From personal experience, ", "Just to say, ", "Key point for me: ",
    "Having read the draft, ", "Something I feel strongly about: ", "Hi all. ", "Thank you for asking. ",
)  # fmt: skip
ROLE_OPENERS = {
    "carer": ("Speaking as a carer, ", "As a carer for my mum, ", "As a parent carer, ", "Carer here. "),
    "service_user": ("As someone who uses services, ", "As a patient, ", "From the patient side, "),
    "other": ("As a volunteer, ", "From the community side, ", "As a local resident, "),
}
CONNECTORS = ("Also, ", "And ", "So ", "On top of that, ", "Plus ", "")
PROBLEM_CONNECTORS = ("But ", "Sadly ", "The thing is, ", "At the moment ", "Right now ", "And ", "")
SUGGESTION_OPENERS = (
    "Simple really: ", "My main point: ", "Key point for me: ", "Suggestion: ", "We need to ", "We should ",
    "I'd like to see us ", "My suggestion would be to ", "Would be great to ",
    "Idea: ", "Surely we can ", "Honestly, we need to ",
)  # fmt: skip
CLOSINGS = (
    "That would make a huge difference.", "It's not rocket science.", "Simple as that.",
    "Please make this happen.", "Just my two pence.", "Would love to see this in the final version.",
    "We've been saying this for years.", "Thanks for listening.", "It really matters.",
    "Otherwise this is just another document.", "Small changes, big difference.",
    "This should be the first promise, not the last.", "Hope someone reads this!",
    "Let's actually do it this time.", "People's lives depend on it.", "Rant over, sorry.",
    "Happy to talk more about this.", "Thank you to everyone working on this.",
    "I know money is tight but this would save money in the end.", "That's all.",
)  # fmt: skip
AGREE_OPENERS = (
    "Totally agree with this, ", "Yes! ", "Agree. ", "Couldn't agree more. ", "This. ", "So true. ",
    "Absolutely. ", "100% agree. ", "Agree with the above, ", "Spot on. ", "Same here. ",
    "This is exactly my experience. ", "Well said. ", "+1. ",
)  # fmt: skip
SHORT_AGREEMENTS = (
    "Totally agree, this is so important.", "Yes, this should be in the final declaration.",
    "Couldn't have said it better myself.", "This is exactly what happened to us too.",
    "Agree with every word of this.", "Really important point, thank you for raising it.",
    "So true, and it happens every single week.", "This needs to be at the top of the list.",
    "Same experience here in our borough.", "Thank you for sharing this, it matters.",
)  # fmt: skip
CAVEAT_OPENERS = (
    "I'm not sure about this. ", "Not convinced, sorry. ", "I see the point but ", "Devil's advocate here: ",
    "Good idea in theory, but ", "I would disagree slightly. ", "Hmm. ", "Respectfully, ",
)  # fmt: skip
CAVEATS = (
    "without more staff nothing will change.",
    "we tried something similar in our borough and it didn't stick.",
    "who is going to pay for it?",
    "this will just become another box to tick.",
    "the problem isn't the idea, it's that nobody has the time to do it.",
    "it won't work for everyone.",
    "we need to fix the basics first.",
    "I worry this adds more paperwork for people who are already stretched.",
    "it depends entirely on how it is done.",
    "this has been promised before and never delivered.",
    "I don't think one size fits all across 33 boroughs.",
)  # fmt: skip
GENERIC_QUESTIONS = (
    "Who would pay for this?", "How would this work in practice?", "Has anyone seen this working somewhere?",
    "Does anyone know if this already happens in other boroughs?", "What would it mean for care homes?",
    "How would we know if it was working?", "Would this include people outside London who use London services?",
)  # fmt: skip
COMMENT_ADD_OPENERS = ("Also ", "To add to this, ", "Building on this, ", "And ", "Yes and ", "Good point. ")
OFF_TOPIC = (
    "the parking at the hospital is terrible and costs a fortune",
    "Why can't I get a flu jab at my surgery this year?",
    "Is this survey going to be available on paper? My dad won't use a computer.",
    "The lifts at the outpatients entrance have been broken for weeks.",
    "Can someone tell me how to change my GP? Thanks",
    "The food on the ward was cold every single day my mum was in.",
    "I couldn't find the link to the privacy notice on my phone.",
    "Does anyone know if the walk-in centre on the high street is still open on Sundays?",
    "Great initiative, when is the next event in south London?",
    "bus route to the hospital was cut and now it takes two buses to get there",
    "The website keeps logging me out.",
    "Why do prescriptions cost so much? My son has three a month.",
)  # fmt: skip
TYPOS = {
    "receive": "recieve", "separate": "seperate", "definitely": "definately", "government": "goverment",
    "a lot": "alot", "don't": "dont", "doesn't": "doesnt", "I'm": "im", "their": "there",
    "because": "becuase", "really": "realy", "appointment": "appointmnet", "necessary": "neccessary",
    "which": "wich", "people": "poeple", "hospital": "hosptial", "you": "u", "it's": "its",
    "professional": "proffesional", "committee": "commitee",
}  # fmt: skip
